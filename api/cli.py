"""The `sotay` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.migrate import upgrade

    upgrade()
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=False,
        log_level="warning",
    )
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    from api.migrate import upgrade

    upgrade()
    print("Đã cập nhật cơ sở dữ liệu lên phiên bản mới nhất. / Database is at head.")
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    from api.bootstrap import create_admin
    from api.db import new_session
    from api.errors import FieldError, ValidationFailed

    with new_session() as session:
        try:
            created = create_admin(
                session,
                username=args.username,
                password=args.password,
                unit_code=args.unit,
                full_name=args.full_name,
            )
        except ValidationFailed as exc:
            if not exc.errors and args.unit is not None:  # the unit code matched no unit
                exc.errors = [FieldError("--unit", "field.unit_not_found")]
            raise
        session.commit()
    print(("Đã tạo" if created else "Đã cập nhật") + f" quản trị viên {args.username}.")
    return 0


def _seed(args: argparse.Namespace) -> int:
    from seed.demo import print_accounts, seed_demo

    if args.what == "synthetic":
        return _seed_synthetic(args)
    if args.what != "demo":
        print(f"unknown seed: {args.what}", file=sys.stderr)
        return 2
    seeded = seed_demo(only_if_empty=args.if_empty)
    print_accounts(already=not seeded)
    return 0


def _seed_synthetic(args: argparse.Namespace) -> int:
    """Bulk-load a synthetic city (seed/synthetic.py) into the empty, migrated database."""
    from sqlalchemy import text

    from api.config import get_settings
    from api.db import get_engine
    from api.migrate import upgrade
    from seed.synthetic import PASSWORD, Scale, load_synthetic

    upgrade()
    with get_engine().connect() as conn:
        if conn.execute(text("SELECT count(*) FROM users")).scalar():
            print("Cơ sở dữ liệu đã có đảng viên: chỉ nạp vào cơ sở trống. / "
                  "The database already has members.", file=sys.stderr)  # fmt: skip
            return 1
    get_engine().dispose()
    members = args.members
    cells = args.cells or max(1, round(members / 40))
    documents = args.documents if args.documents is not None else max(1, members // 20)
    scale = Scale(
        members=members,
        cells=cells,
        communes=args.communes or max(1, min(cells, round(cells / 30))),
        records=args.assignees if args.assignees is not None else members * 5,
        documents=documents,
        city_documents=min(20, max(1, documents // 10)),
        devices=args.devices if args.devices is not None else members * 3 // 2,
        seed=args.seed,
    )
    loaded = load_synthetic(get_settings().resolved_database_url, scale)
    counts = ", ".join(f"{k} {v:,}" for k, v in loaded.counts.items())
    seconds = sum(loaded.seconds.values())
    print(f"Đã nạp dữ liệu tổng hợp trong {seconds:.0f} s: {counts}.")
    print(f"Đăng nhập: số thẻ đảng viên 7000000001…7{members:09d}, mật khẩu «{PASSWORD}».")
    return 0


def _import_members(args: argparse.Namespace) -> int:
    from pathlib import Path

    from api.members.importer import run_import_cli

    return run_import_cli(Path(args.file), unit_code=args.unit, dry_run=args.dry_run)


def _backup(args: argparse.Namespace) -> int:
    import datetime as dt
    from pathlib import Path

    from api.backup import backup
    from api.config import get_settings

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out = Path(args.output or get_settings().data_dir / "backups" / f"sotay-{stamp}.tar")
    manifest = backup(out)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"Đã sao lưu {len(manifest['tables'])} bảng, {rows} dòng vào {out}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from api.backup import restore

    try:
        manifest = restore(Path(args.file), force=args.force)
    except RuntimeError as exc:
        print(f"Không khôi phục được: {exc}", file=sys.stderr)
        return 1
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"Đã khôi phục và kiểm tra {len(manifest['tables'])} bảng, {rows} dòng.")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from api.tasks import run_worker

    return run_worker(processes=args.processes, threads=args.threads)


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments (API.md is the contract)."""
    parser = argparse.ArgumentParser(prog="sotay", description="Sổ tay đảng viên điện tử")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="migrate, then serve the API and the PWA")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.set_defaults(func=_serve)

    p = sub.add_parser("migrate", help="alembic upgrade head")
    p.set_defaults(func=_migrate)

    p = sub.add_parser("create-admin", help="create (or update) an administrator")
    p.add_argument("--username", required=True, help="party card number, phone or e-mail")
    p.add_argument("--password", required=True)
    p.add_argument("--unit", default=None, help="unit code (default: the root)")
    p.add_argument("--full-name", default="Quản trị hệ thống")
    p.set_defaults(func=_create_admin)

    p = sub.add_parser("seed", help="load data")
    p.add_argument("what", choices=["demo", "synthetic"])
    p.add_argument("--if-empty", action="store_true", help="only when the database is empty")
    # `seed synthetic` (a city for scale work, bulk-loaded; docs/performance.md)
    p.add_argument("--members", type=int, default=200_000, help="synthetic: members")
    p.add_argument("--communes", type=int, default=None, help="synthetic (default ~cells/30)")
    p.add_argument("--cells", type=int, default=None, help="synthetic (default members/40)")
    p.add_argument("--documents", type=int, default=None, help="synthetic (default members/20)")
    p.add_argument("--assignees", type=int, default=None, help="synthetic records (members×5)")
    p.add_argument("--devices", type=int, default=None, help="synthetic push devices (×1.5)")
    p.add_argument("--seed", type=int, default=2026, help="synthetic: random seed")
    p.set_defaults(func=_seed)

    p = sub.add_parser("import-members", help="import members from CSV or XLSX")
    p.add_argument("file")
    p.add_argument("--unit", default=None, help="only cells under this unit code")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=_import_members)

    p = sub.add_parser("backup", help="back up the database and files into one archive")
    p.add_argument("--output", default=None, help="archive path (default: data/backups/…)")
    p.set_defaults(func=_backup)

    p = sub.add_parser("restore", help="restore an archive made by `sotay backup`")
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="overwrite a non-empty database")
    p.set_defaults(func=_restore)

    p = sub.add_parser("worker", help="run the task engine's worker (scaled-out shape)")
    p.add_argument("--processes", type=int, default=1)
    p.add_argument("--threads", type=int, default=4)
    p.set_defaults(func=_worker)
    return parser


def _describe_app_error(exc: Exception) -> list[str]:
    """An AppError as catalogue lines: the problem's title and detail, then each field's
    message; Vietnamese first, English after " / "."""
    from api.i18n import t

    slug = getattr(exc, "slug", "bad_request")
    errors = getattr(exc, "errors", [])
    if errors:
        lines = [f"{t(f'problem.{slug}', 'vi')} / {t(f'problem.{slug}', 'en')}:"]
    else:
        key = getattr(exc, "detail_key", f"problem.{slug}.detail")
        lines = [
            f"{t(f'problem.{slug}', 'vi')}: {t(key, 'vi')} / "
            f"{t(f'problem.{slug}', 'en')}: {t(key, 'en')}"
        ]
    for e in errors:
        lines.append(f"  {e.field}: {t(e.code, 'vi', **e.params)} / {t(e.code, 'en', **e.params)}")
    return lines


def _describe_os_error(exc: OSError) -> list[str]:
    from api.i18n import t

    where = f" {exc.filename}" if exc.filename else ""
    if isinstance(exc, FileNotFoundError):
        return [f"{t('problem.not_found', 'vi')}:{where} / {t('problem.not_found', 'en')}:{where}"]
    return [f"Lỗi tệp / File error:{where}: {exc.strerror or exc}"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `sotay`. The app's own errors (AppError) and file errors are printed as
    a message on stderr with exit status 1, never as a traceback."""
    from api.errors import AppError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AppError as exc:
        lines = _describe_app_error(exc)
    except OSError as exc:
        lines = _describe_os_error(exc)
    for line in lines:
        print(line, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
