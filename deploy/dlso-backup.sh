#!/bin/bash
# /opt/dlso/bin/dlso-backup: a nightly backup of the DLSO server database (deploy/dlso-backup.service runs it as
# the dlso user; docs/DEPLOY.md, "Backups and restore").
#
# - pg_dump -Fc (compressed, restorable with pg_restore) into $DLSO_BACKUP_DIR/dlso-YYYYmmdd-HHMMSS.dump,
#   written under a temporary name and renamed once complete: a .dump file is always a whole one;
# - dumps older than $DLSO_BACKUP_KEEP_DAYS days are deleted (never the newest one);
# - the server secret is NOT put beside the dumps (a database backup alone must hold no usable commune key):
#   when $DLSO_SECRET_BACKUP_DIR names another place (another disk, a mounted share), the secret file is
#   copied there when it changed; otherwise the script only checks that the secret file exists.
# Snapshots need no backup: the server rebuilds them from the database.
#
# Settings (environment): DLSO_BACKUP_DIR (default /var/backups/dlso), DLSO_BACKUP_KEEP_DAYS (14),
# DLSO_BACKUP_DATABASE (dlso; a database name or a libpq connection string), DLSO_SERVER_SECRET_FILE
# (from /etc/dlso/dlso-server.env), DLSO_SECRET_BACKUP_DIR (unset). Exit code 0 only when the dump is complete.
set -euo pipefail
umask 077

backup_dir=${DLSO_BACKUP_DIR:-/var/backups/dlso}
keep_days=${DLSO_BACKUP_KEEP_DAYS:-14}
database=${DLSO_BACKUP_DATABASE:-dlso}
secret=${DLSO_SERVER_SECRET_FILE:-}
secret_backup=${DLSO_SECRET_BACKUP_DIR:-}

if ! [[ $keep_days =~ ^[0-9]+$ ]] || [ "$keep_days" -lt 1 ]; then
    echo "dlso-backup: DLSO_BACKUP_KEEP_DAYS must be a whole number of days, at least 1" >&2
    exit 2
fi
if [ -n "$secret_backup" ]; then
    case "$(realpath -m "$secret_backup")/" in
    "$(realpath -m "$backup_dir")/"*)
        echo "dlso-backup: DLSO_SECRET_BACKUP_DIR must not be inside DLSO_BACKUP_DIR" >&2
        exit 2
        ;;
    esac
fi
mkdir -p "$backup_dir"

stamp=$(date -u +%Y%m%d-%H%M%S)
target="$backup_dir/dlso-$stamp.dump"
partial="$target.partial"
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --dbname="$database" --file="$partial"
pg_restore --list "$partial" >/dev/null # the archive reads back: its table of contents is whole
mv "$partial" "$target"
trap - EXIT
echo "dlso-backup: $target ($(du -h "$target" | cut -f1))"

# keep N days of dumps, and always the newest one
find "$backup_dir" -maxdepth 1 -type f -name 'dlso-*.dump' -mtime +"$((keep_days - 1))" ! -path "$target" \
    -print -delete

if [ -n "$secret" ]; then
    if [ ! -f "$secret" ]; then
        echo "dlso-backup: warning: no server secret at $secret (no commune key issued yet?)" >&2
    elif [ -n "$secret_backup" ]; then
        mkdir -p "$secret_backup"
        if ! cmp -s "$secret" "$secret_backup/server-secret.key"; then
            cp --preserve=mode "$secret" "$secret_backup/server-secret.key.tmp"
            mv "$secret_backup/server-secret.key.tmp" "$secret_backup/server-secret.key"
            echo "dlso-backup: server secret copied to $secret_backup"
        fi
    fi
fi
