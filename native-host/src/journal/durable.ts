import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Files that must survive a crash or a power cut as written: fsync the data, then the folder that names it. */

export function fsyncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory; its file system makes the new name durable itself.
  }
}

/**
 * Replaces `file` with `text` atomically: a reader sees the old content or the new one, never a
 * mix, and after a crash the new name points at fsynced bytes (temp file, fsync, rename, fsync of the folder).
 */
export function replaceFileDurably(file: string, text: string): void {
  const directory = dirname(file);
  const temporary = join(directory, `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', 0o600);
  try {
    const bytes = Buffer.from(text, 'utf8');
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, file);
  fsyncDirectory(directory);
}
