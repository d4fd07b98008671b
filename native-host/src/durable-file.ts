import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a file so that a crash at any moment leaves either the old text or the new one, never
 * a mix: the new text goes to a temporary file beside it (same mode), is fsynced, renamed over the
 * old one, and the folder is fsynced so that the rename itself survives a power cut.
 */
export function replaceFileDurably(path: string, text: string, mode: number): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.new`);
  try {
    const fd = openSync(temporary, 'w', mode);
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // The mode given to open is masked by the umask: set it exactly.
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  fsyncDirectory(dirname(path));
}

/** A private file of the host's state (0600, in a 0700 folder made if missing), replaced durably. */
export function writeFileDurably(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  replaceFileDurably(path, text, 0o600);
}

/** Makes a folder's entries (a new name, a rename) durable. */
export function fsyncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Windows opens no folder for fsync; its rename is already durable on NTFS.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
