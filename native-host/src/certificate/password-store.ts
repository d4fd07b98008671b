import { execFile } from 'node:child_process';
import { readFile, stat, writeFile, rm } from 'node:fs/promises';
import { AppError } from '../../../src/shared/errors.js';
import { NATIVE_HOST_NAME } from '../../../src/shared/identity.js';

/**
 * Where the keystore password lives: the operating system's secret store (libsecret through
 * secret-tool on Linux, the Keychain on macOS, the Credential Manager's password vault on
 * Windows), or, for development and tests, a file only the user can read. The password only ever
 * travels through a child process's stdin, never its arguments (which other users could list).
 */
export interface PasswordStore {
  readonly kind: 'os' | 'file';
  describe(): string;
  get(): Promise<string | undefined>;
  set(password: string): Promise<void>;
  remove(): Promise<void>;
}

/** The keystore password's entry in the OS store. */
export const PASSWORD_ACCOUNT = 'keystore';
/**
 * The custody file's unlock key (what scrypt derives from the password for the file's salt): kept
 * beside the password, as well protected, so that a host start opens the keys without running the
 * KDF again (custody.ts).
 */
export const UNLOCK_KEY_ACCOUNT = 'keystore-unlock-key';

function run(command: string, args: readonly string[], input?: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: 15_000, maxBuffer: 64 * 1024 }, (error, stdout) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new AppError('CERTIFICATE_PASSWORD_MISSING', `${command} is not available`, { store: command }));
        return;
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout });
    });
    // A store that exits without reading its stdin must not crash the host with EPIPE: the exit
    // code and output say how it went.
    child.stdin?.on('error', () => undefined);
    if (input === undefined) child.stdin?.end();
    else child.stdin?.end(input);
  });
}

export class FilePasswordStore implements PasswordStore {
  readonly kind = 'file';
  constructor(private readonly path: string) {}

  describe(): string {
    return `file ${this.path}`;
  }

  async get(): Promise<string | undefined> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      return undefined;
    }
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new AppError('CERTIFICATE_PASSWORD_MISSING', 'the password file is readable by other users; refusing to use it', { store: 'file' });
    }
    return (await readFile(this.path, 'utf8')).replace(/\r?\n$/, '');
  }

  async set(password: string): Promise<void> {
    await writeFile(this.path, password, { mode: 0o600 });
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

/** libsecret (GNOME Keyring, KWallet's Secret Service) through secret-tool. */
export class SecretToolStore implements PasswordStore {
  readonly kind = 'os';
  constructor(private readonly account: string = PASSWORD_ACCOUNT) {}
  describe(): string {
    return 'the desktop secret store (libsecret)';
  }
  async get(): Promise<string | undefined> {
    const { code, stdout } = await run('secret-tool', ['lookup', 'service', NATIVE_HOST_NAME, 'account', this.account]);
    return code === 0 && stdout !== '' ? stdout : undefined;
  }
  async set(password: string): Promise<void> {
    const { code } = await run('secret-tool', ['store', `--label=eAttest companion ${this.account === PASSWORD_ACCOUNT ? 'keystore password' : 'keystore unlock key'}`, 'service', NATIVE_HOST_NAME, 'account', this.account], password);
    if (code !== 0) throw new AppError('CERTIFICATE_PASSWORD_MISSING', 'the secret store refused the password (is a keyring unlocked?)', { store: 'secret-tool' });
  }
  async remove(): Promise<void> {
    await run('secret-tool', ['clear', 'service', NATIVE_HOST_NAME, 'account', this.account]);
  }
}

/** The macOS login Keychain, through `security -i` so that the password is read from stdin. */
export class KeychainStore implements PasswordStore {
  readonly kind = 'os';
  constructor(private readonly account: string = PASSWORD_ACCOUNT) {}
  describe(): string {
    return 'the macOS Keychain';
  }
  async get(): Promise<string | undefined> {
    const { code, stdout } = await run('security', ['find-generic-password', '-s', NATIVE_HOST_NAME, '-a', this.account, '-w']);
    return code === 0 ? stdout.replace(/\n$/, '') : undefined;
  }
  async set(password: string): Promise<void> {
    const quoted = `"${password.replace(/(["\\])/g, '\\$1')}"`;
    const { code } = await run('security', ['-i'], `add-generic-password -U -s ${NATIVE_HOST_NAME} -a ${this.account} -w ${quoted}\n`);
    if (code !== 0) throw new AppError('CERTIFICATE_PASSWORD_MISSING', 'the Keychain refused the password', { store: 'keychain' });
  }
  async remove(): Promise<void> {
    await run('security', ['delete-generic-password', '-s', NATIVE_HOST_NAME, '-a', this.account]);
  }
}

/** The Windows Credential Manager's password vault, through PowerShell reading the password from stdin. */
export class WindowsVaultStore implements PasswordStore {
  readonly kind = 'os';
  constructor(private readonly account: string = PASSWORD_ACCOUNT) {}
  private readonly vault = '[Windows.Security.Credentials.PasswordVault,Windows.Security.Credentials,ContentType=WindowsRuntime] | Out-Null; $v = New-Object Windows.Security.Credentials.PasswordVault;';
  describe(): string {
    return 'the Windows Credential Manager';
  }
  async get(): Promise<string | undefined> {
    const script = `${this.vault} try { $c = $v.Retrieve('${NATIVE_HOST_NAME}', '${this.account}'); $c.RetrievePassword(); [Console]::Out.Write($c.Password) } catch { exit 3 }`;
    const { code, stdout } = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script]);
    return code === 0 ? stdout : undefined;
  }
  async set(password: string): Promise<void> {
    const script = `${this.vault} $p = [Console]::In.ReadToEnd(); $v.Add((New-Object Windows.Security.Credentials.PasswordCredential('${NATIVE_HOST_NAME}', '${this.account}', $p)))`;
    const { code } = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], password);
    if (code !== 0) throw new AppError('CERTIFICATE_PASSWORD_MISSING', 'the Credential Manager refused the password', { store: 'windows-vault' });
  }
  async remove(): Promise<void> {
    const script = `${this.vault} try { $v.Remove($v.Retrieve('${NATIVE_HOST_NAME}', '${this.account}')) } catch { }`;
    await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script]);
  }
}

export function osPasswordStore(platform: NodeJS.Platform = process.platform, account: string = PASSWORD_ACCOUNT): PasswordStore {
  if (platform === 'darwin') return new KeychainStore(account);
  if (platform === 'win32') return new WindowsVaultStore(account);
  return new SecretToolStore(account);
}
