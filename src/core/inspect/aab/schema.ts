// The few messages of aapt2's protobuf formats that inspecting an Android App Bundle needs:
// base/manifest/AndroidManifest.xml is an XmlNode and base/resources.pb a ResourceTable
// (frameworks/base/tools/aapt2/Resources.proto and Configuration.proto in AOSP, package aapt.pb).
// Declared here as a protobufjs JSON descriptor instead of shipping the .proto files: only these
// fields are read, and every field left out is skipped by the decoder without building anything,
// so a large table costs only what inspection uses. Field numbers are AOSP's and never change
// (protobuf compatibility); the comments name each message as it is in Resources.proto.
import protobuf from 'protobufjs/light.js';

const msg = (id: number, type: string, rule?: 'repeated'): { id: number; type: string; rule?: 'repeated' } =>
  rule ? { id, type, rule } : { id, type };

const descriptor = {
  nested: {
    // --- XML (Resources.proto: XmlNode, XmlElement, XmlAttribute) ---------------------------
    /** oneof node { XmlElement element = 1; string text = 2; } */
    XmlNode: { fields: { element: msg(1, 'XmlElement'), text: msg(2, 'string') } },
    /** namespace_uri = 2, name = 3, attribute = 4 (repeated), child = 5 (repeated XmlNode). */
    XmlElement: {
      fields: {
        namespaceUri: msg(2, 'string'),
        name: msg(3, 'string'),
        attribute: msg(4, 'XmlAttribute', 'repeated'),
        child: msg(5, 'XmlNode', 'repeated'),
      },
    },
    /** namespace_uri = 1, name = 2, value = 3 (the source text), resource_id = 5, compiled_item = 6. */
    XmlAttribute: {
      fields: {
        namespaceUri: msg(1, 'string'),
        name: msg(2, 'string'),
        value: msg(3, 'string'),
        resourceId: msg(5, 'uint32'),
        compiledItem: msg(6, 'Item'),
      },
    },
    // --- Values (Resources.proto: Item and what it holds) ------------------------------------
    /** oneof value { Reference ref = 1; String str = 2; RawString raw_str = 3; StyledString styled_str = 4;
     *  FileReference file = 5; Id id = 6; Primitive prim = 7; } (styled_str and id are not read). */
    Item: {
      fields: { ref: msg(1, 'Reference'), str: msg(2, 'String'), rawStr: msg(3, 'String'), file: msg(5, 'FileReference'), prim: msg(7, 'Primitive') },
    },
    /** Reference: id = 2 (the resource id, 0 when unresolved), name = 3 ("string/app_name"). */
    Reference: { fields: { id: msg(2, 'uint32'), name: msg(3, 'string') } },
    /** String and RawString: value = 1. */
    String: { fields: { value: msg(1, 'string') } },
    /** FileReference: path = 1 (module-relative, e.g. res/mipmap-xxhdpi-v4/ic_launcher.png). */
    FileReference: { fields: { path: msg(1, 'string') } },
    /** Primitive's oneof: int_decimal_value = 6, int_hexadecimal_value = 7, boolean_value = 8 (others unread). */
    Primitive: { fields: { intDecimalValue: msg(6, 'int32'), intHexadecimalValue: msg(7, 'uint32'), booleanValue: msg(8, 'bool') } },
    // --- The table (Resources.proto: ResourceTable, Package, Type, Entry, ConfigValue, Value) --
    /** package = 2 (repeated). */
    ResourceTable: { fields: { package: msg(2, 'Package', 'repeated') } },
    /** package_id = 1 (PackageId { uint32 id = 1 }), type = 3 (repeated). */
    Package: { fields: { packageId: msg(1, 'Id'), type: msg(3, 'Type', 'repeated') } },
    /** type_id = 1 (TypeId), name = 2 ("string", "mipmap"…), entry = 3 (repeated). */
    Type: { fields: { typeId: msg(1, 'Id'), name: msg(2, 'string'), entry: msg(3, 'Entry', 'repeated') } },
    /** PackageId, TypeId and EntryId all hold one uint32 id = 1. */
    Id: { fields: { id: msg(1, 'uint32') } },
    /** entry_id = 1 (EntryId), name = 2, config_value = 6 (repeated). */
    Entry: { fields: { entryId: msg(1, 'Id'), name: msg(2, 'string'), configValue: msg(6, 'ConfigValue', 'repeated') } },
    /** config = 1 (Configuration, kept as bytes: empty means the default configuration), value = 2. */
    ConfigValue: { fields: { config: msg(1, 'bytes'), value: msg(2, 'Value') } },
    /** item = 4 (compound values, styles and arrays, = 5, are not read). */
    Value: { fields: { item: msg(4, 'Item') } },
    /** Configuration.proto: locale = 3, density = 18 (dpi; 0 = any), sdk_version = 24. */
    Configuration: { fields: { locale: msg(3, 'string'), density: msg(18, 'uint32'), sdkVersion: msg(24, 'uint32') } },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
root.resolveAll();

export const XmlNodeType = root.lookupType('XmlNode');
export const ResourceTableType = root.lookupType('ResourceTable');
export const ConfigurationType = root.lookupType('Configuration');

// Decoded shapes, as protobufjs builds them: absent messages are null, absent scalars their
// default (0, "", false), absent repeated fields [].
export interface PbItem {
  ref: { id: number; name: string } | null;
  str: { value: string } | null;
  rawStr: { value: string } | null;
  file: { path: string } | null;
  prim: { intDecimalValue: number; intHexadecimalValue: number; booleanValue: boolean } | null;
}
export interface PbXmlAttribute {
  namespaceUri: string;
  name: string;
  value: string;
  resourceId: number;
  compiledItem: PbItem | null;
}
export interface PbXmlElement {
  namespaceUri: string;
  name: string;
  attribute: PbXmlAttribute[];
  child: PbXmlNode[];
}
export interface PbXmlNode {
  element: PbXmlElement | null;
  text: string;
}
export interface PbEntry {
  entryId: { id: number } | null;
  name: string;
  configValue: { config: Uint8Array; value: { item: PbItem | null } | null }[];
}
export interface PbResourceTable {
  package: { packageId: { id: number } | null; type: { typeId: { id: number } | null; name: string; entry: PbEntry[] }[] }[];
}
export interface PbConfiguration {
  locale: string;
  density: number;
  sdkVersion: number;
}
