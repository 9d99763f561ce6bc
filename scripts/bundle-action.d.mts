// Types of scripts/bundle-action.mjs for the test that checks the committed bundle.
export declare const ACTION_BUNDLE: string;
export declare function bundleAction(): Promise<string>;
