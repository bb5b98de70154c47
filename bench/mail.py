"""`make bench-mail`: email intake throughput from a real Dovecot mailbox, with a worker killed half way.

For each backend, into a fresh database: `--messages` synthetic family emails (Russian in UTF-8 and Windows-1251,
Ukrainian, English, HTML-only, some with attachments; a few thousand distinct senders) are written into a Dovecot
maildir; `liaison mailbox poll` runs as its own process over IMAPS, is SIGKILLed once about half the messages are
stored, and is started again to finish. Then every message must be stored exactly once and flagged seen.

Reported: messages per second parsed and stored (from each run's first stored row to its kill or end, so the
re-fetch after the restart is included), the same counting the two processes' start-up, and an anchor measured in
the same process: the parser alone on the same messages, so the ratio tells what fetching and storing cost.
Target: >= 50 messages/s parsed and stored.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import random
import signal
import ssl
import subprocess
import sys
import time
from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP

from imapclient import IMAPClient
from sqlalchemy import create_engine, func, select, text

from app.config import PROJECT_ROOT
from app.mailbox.models import MailMessage
from app.mailbox.parse import parse_message
from bench.common import BACKENDS, cpu_note, databases, git_revision
from tests.support.dovecot import PASSWORD, Dovecot, start_dovecot

TARGET = 50.0
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Федоров"]
GIVEN = ["Алексей", "Дмитрий", "Сергей", "Андрей", "Павел", "Иван", "Максим", "Артем", "Никита", "Олег"]
UK_SURNAMES = ["Коваль", "Бондаренко", "Шевченко", "Мельник", "Ткаченко", "Кравченко", "Олійник", "Лисенко"]
UK_GIVEN = ["Олексій", "Тарас", "Андрій", "Дмитро", "Богдан", "Іван", "Микола", "Василь"]
LATIN = [("Kuznetsov", "Pavel"), ("Melnyk", "Andrii"), ("Ivanov", "Aleksei"), ("Koval", "Oleksii"), ("Petrov", "Ivan")]


def synthetic_message(i: int, rng: random.Random) -> bytes:
    kind = i % 5
    year, month, day = rng.randint(1975, 2005), rng.randint(1, 12), rng.randint(1, 28)
    sender = f"relative{rng.randint(1, 3000)}@family{rng.randint(1, 40)}.example"
    unit = rng.randint(10000, 99999)
    mid = f"<bench-{i}-{rng.getrandbits(48):x}@family.example>"
    if kind == 1:  # an old Windows client: Windows-1251 body, KOI8-R encoded subject
        surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
        body = (
            f"Здравствуйте!\r\nИщу сына: {surname} {given}, {day:02d}.{month:02d}.{year} г.р., в/ч {unit}.\r\n"
            "Последний раз выходил на связь в октябре. Помогите, пожалуйста.\r\n"
        )
        head = (
            f"From: {Header('Мать', 'windows-1251').encode()} <{sender}>\r\nTo: hotline@pow-liaison.example\r\n"
            f"Subject: {Header(f'Ищу сына {surname}', 'koi8-r').encode()}\r\nMessage-ID: {mid}\r\n"
            "Date: Sun, 29 Nov 2026 21:30:00 +0300\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        )
        return head.encode("ascii") + body.encode("windows-1251")
    msg = EmailMessage()
    msg["To"] = "hotline@pow-liaison.example"
    msg["Message-ID"] = mid
    msg["Date"] = "Sun, 29 Nov 2026 18:30:00 +0000"
    if kind == 0:
        surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
        msg["From"], msg["Subject"] = f"Мария <{sender}>", f"Ищу сына {surname}"
        msg.set_content(
            f"Добрый день. Мой сын {surname} {given} Сергеевич, {day:02d}.{month:02d}.{year} г.р., в/ч {unit}, "
            f"жетон АВ-{rng.randint(100000, 999999)}. Помогите узнать, что с ним.\n" * 3
        )
    elif kind == 2:
        surname, given = rng.choice(UK_SURNAMES), rng.choice(UK_GIVEN)
        msg["From"], msg["Subject"] = f"Олена <{sender}>", "Шукаю чоловіка"
        msg.set_content(
            f"Добрий день! Шукаю чоловіка: {surname} {given}, {year} року народження, "
            f"військова частина А{unit % 10000}. Будь ласка, допоможіть.\n" * 3
        )
    elif kind == 3:
        surname, given = rng.choice(LATIN)
        msg["From"], msg["Subject"] = f"Anna <{sender}>", f"My brother {given}"
        msg.set_content(
            f"<html><body><p>Hello,</p><p>I am writing about my brother <b>{given} {surname}</b>, born "
            f"{day:02d}.{month:02d}.{year}, military unit {unit}.</p><p>Thank you.</p></body></html>",
            subtype="html",
        )
    else:
        surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
        msg["From"], msg["Subject"] = f"<{sender}>", "Документы"
        msg.set_content(f"Фото и документы: {surname} {given}, {year} г.р.")
        msg.add_attachment(rng.randbytes(2048), maintype="image", subtype="jpeg", filename=f"фото-{i}.jpg")
    return msg.as_bytes(policy=SMTP)


def fill_maildir(server: Dovecot, folder: str, messages: list[bytes]) -> None:
    """Deliver straight into the folder's maildir `new/` (as an MDA does); Dovecot indexes them on SELECT."""
    client = _client(server)
    client.create_folder(folder)
    client.logout()
    new = server.base / "mail" / "hotline" / f".{folder}" / "new"
    new.mkdir(parents=True, exist_ok=True)
    owner = pwd.getpwnam("mail") if os.geteuid() == 0 else None
    stamp = int(time.time())
    for i, raw in enumerate(messages):
        path = new / f"{stamp}.M{i}P{os.getpid()}.bench,S={len(raw)}"
        path.write_bytes(raw)
        if owner:
            os.chown(path, owner.pw_uid, owner.pw_gid)
    if owner:
        for directory in (new.parent, new, new.parent / "cur", new.parent / "tmp"):
            directory.mkdir(exist_ok=True)
            os.chown(directory, owner.pw_uid, owner.pw_gid)


def _client(server: Dovecot) -> IMAPClient:
    context = ssl.create_default_context(cafile=str(server.cert))
    client = IMAPClient("127.0.0.1", port=server.imaps_port, ssl=True, ssl_context=context, timeout=60)
    client.login("hotline", PASSWORD)
    return client


def _poller(server: Dovecot, folder: str, url: str) -> subprocess.Popen[bytes]:
    account = {
        "name": "hotline",
        "host": "127.0.0.1",
        "port": server.imaps_port,
        "security": "tls",
        "username": "hotline",
        "password": PASSWORD,
        "folder": folder,
        "ca_file": str(server.cert),
    }
    env = {
        **os.environ,
        "LIAISON_ENVIRONMENT": "test",
        "LIAISON_DATABASE_URL": url,
        "LIAISON_JWT_SIGNING_KEY": "bench-" + "k" * 40,
        "LIAISON_MAILBOX__ACCOUNTS": json.dumps([account]),
        "LIAISON_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-c", "from app.cli import main; main()", "mailbox", "poll"]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_backend(server: Dovecot, backend: str, url: str, messages: list[bytes]) -> dict[str, float]:
    folder = f"bench-{backend}"
    fill_maildir(server, folder, messages)
    counter = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    total = len(messages)

    def stored() -> int:
        with counter.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(MailMessage)).scalar_one())

    def watch(process: subprocess.Popen[bytes], stop_at: int | None) -> tuple[float, float, int, int]:
        """Follow a poller: (seconds from start to its first stored row, seconds storing, rows before, rows after)."""
        started, before = time.perf_counter(), stored()
        first_row = None
        while process.poll() is None:
            count = stored()
            if first_row is None and count > before:
                first_row = time.perf_counter()
            if stop_at is not None and count >= stop_at:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.05)
        process.wait()
        if stop_at is None and process.returncode != 0:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"poller failed: {error[-2000:]}")
        ended, after = time.perf_counter(), stored()
        first_row = first_row or ended
        return first_row - started, ended - first_row, before, after

    first = watch(_poller(server, folder, url), total // 2)
    second = watch(_poller(server, folder, url), None)
    startup = first[0] + second[0]
    storing = first[1] + second[1]
    at_kill = first[3]
    with counter.connect() as conn:
        rows = int(conn.execute(text("SELECT count(*) FROM mail_message")).scalar_one())
        distinct = int(conn.execute(text("SELECT count(DISTINCT message_id) FROM mail_message")).scalar_one())
    counter.dispose()
    client = _client(server)
    client.select_folder(folder, readonly=True)
    unseen = len(client.search(["UNSEEN"]))
    client.logout()
    if (rows, distinct, unseen) != (total, total, 0):
        raise SystemExit(f"{backend}: LOST OR DUPLICATED: rows={rows} distinct={distinct} unseen={unseen}")
    return {
        "steady": total / storing,
        "overall": total / (startup + storing),
        "startup": startup,
        "at_kill": at_kill,
        "seconds": startup + storing,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    args = parser.parse_args()
    rng = random.Random(15)
    messages = [synthetic_message(i, rng) for i in range(args.messages)]
    size_mb = sum(len(m) for m in messages) / 1e6
    print(f"bench-mail @ {git_revision()}: {args.messages} messages ({size_mb:.1f} MB), {cpu_note()}")
    started = time.perf_counter()
    for raw in messages:
        parse_message(raw)
    parse_rate = len(messages) / (time.perf_counter() - started)
    print(f"anchor: parser alone {parse_rate:,.0f} messages/s")
    server = start_dovecot(("hotline",))
    failed = False
    try:
        with databases(args.backends) as made:
            for db in made:
                result = run_backend(server, db.backend, db.url, messages)
                ok = result["steady"] >= TARGET
                failed |= not ok
                print(
                    f"{db.backend:10} {result['steady']:6.0f} messages/s parsed and stored "
                    f"({result['steady'] / parse_rate:.1%} of the parser alone; target >= {TARGET:.0f}/s: "
                    f"{'OK' if ok else 'BELOW TARGET'}); {result['overall']:.0f}/s counting the two process start-ups "
                    f"({result['startup']:.1f} s) and the kill at {result['at_kill']:.0f}; "
                    f"exactly {args.messages} stored once, all flagged seen"
                )
    finally:
        server.stop()
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
