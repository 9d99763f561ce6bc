// Time is injected so tests can expire tokens and profiles without waiting.
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
