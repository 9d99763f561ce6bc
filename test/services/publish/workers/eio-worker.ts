// A stand-in for the inspect worker whose read of the package fails with EIO (a failing disk),
// answered as the real worker answers an operating-system error.
export default function eio(): { systemError: { errno: string; syscall: string; message: string } } {
  return { systemError: { errno: 'EIO', syscall: 'read', message: 'EIO: i/o error, read' } };
}
