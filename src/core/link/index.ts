// PLACEHOLDER: replaced by the link module.
export {};
