// The deployment doctor's probing layer: HTTP and TLS with iOS's clients, bounded; the judging is core/doctor.
export { runDoctor, type DoctorOptions } from './run.js';
export { SAFARI_USER_AGENT, INSTALLER_USER_AGENT } from './user-agents.js';
export { HttpRangeSource, MAX_REMOTE_READ_BYTES } from './range-source.js';
export { DoctorHttp } from './http.js';
