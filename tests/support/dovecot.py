"""A throwaway Dovecot IMAP server for the test run: config, TLS certificate, password file and maildirs in a temp dir.

Debian's `dovecot-imapd` provides the binary (`.ci/run` installs it). The server listens on loopback ports only, with
IMAPS on one and STARTTLS on the other, both with a certificate made here for 127.0.0.1 that the tests' clients
trust explicitly. Run as root, Dovecot's master stays root and serves the mail as the unprivileged `mail` user with
its own `dovecot`/`dovenull` users for its helpers; run as anyone else, everything runs as that user. Missing binaries
are an error with instructions, never a silent skip.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

INSTALL_HINT = "Dovecot was not found. Install it with `apt-get install -y dovecot-imapd` (Debian/Ubuntu)."
PASSWORD = "imap-test-password"


def find_dovecot() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.path.exists(p)), None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "liaison-test-imap")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@dataclass
class Dovecot:
    base: Path
    imaps_port: int
    imap_port: int
    cert: Path
    process: subprocess.Popen[bytes]
    users: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)

    def log(self) -> str:
        path = self.base / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _config(base: Path, imaps_port: int, imap_port: int, cert: Path, key: Path, run_as_root: bool) -> str:
    me = pwd.getpwuid(os.getuid()).pw_name
    if run_as_root:
        users = "default_login_user = dovenull\ndefault_internal_user = dovecot\n"
        login_chroot = ""
    else:
        users = f"default_login_user = {me}\ndefault_internal_user = {me}\n"
        # Without root there is no chroot and no switching users.
        login_chroot = "  chroot =\n"
    return f"""
base_dir = {base}/run
state_dir = {base}/state
instance_name = liaison-test-{imaps_port}
log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
{users}
first_valid_uid = 1
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
mail_location = maildir:{base}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {base}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
{login_chroot}}}
service anvil {{
{login_chroot}}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


def start_dovecot(users: tuple[str, ...] = ("hotline",)) -> Dovecot:
    binary = find_dovecot()
    if binary is None:
        raise RuntimeError(INSTALL_HINT)
    run_as_root = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="liaison-dovecot-"))
    base.chmod(0o755)
    if run_as_root:
        mail_user = pwd.getpwnam("mail")
        uid, gid = mail_user.pw_uid, mail_user.pw_gid
    else:
        uid, gid = os.getuid(), os.getgid()
    (base / "mail").mkdir()
    os.chown(base / "mail", uid, gid)
    cert, key = _certificate(base)
    lines = [f"{user}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{base}/mail/{user}::" for user in users]
    (base / "passwd").write_text("\n".join(lines) + "\n")
    imaps_port, imap_port = _free_port(), _free_port()
    config = base / "dovecot.conf"
    config.write_text(_config(base, imaps_port, imap_port, cert, key, run_as_root))
    process = subprocess.Popen([binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Dovecot(base, imaps_port, imap_port, cert, process, list(users))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            shutil.rmtree(base, ignore_errors=True)
            raise RuntimeError(f"dovecot exited at start: {error.strip()}")
        try:
            with socket.create_connection(("127.0.0.1", imaps_port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("dovecot did not start listening within 20 s")
