// PLACEHOLDER: replaced by the inspect module.
export {};
