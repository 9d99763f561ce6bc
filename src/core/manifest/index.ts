// PLACEHOLDER: replaced by the manifest module.
export {};
