#!/usr/bin/env bash
# Start PostgreSQL and RabbitMQ on loopback if they are not answering (a fresh machine of this
# kind has both installed; this only starts them). Waits until both accept connections.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 1; done
  echo "$name did not start on 127.0.0.1:$port" >&2
  return 1
}

if ! port_open 5432; then
  echo "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
  else
    echo "PostgreSQL is not running and pg_ctlcluster is not installed" >&2; exit 1
  fi
  wait_port 5432 PostgreSQL
fi

if ! port_open 5672; then
  echo "starting RabbitMQ"
  if command -v rabbitmq-server >/dev/null; then
    rabbitmq-server -detached
  else
    echo "RabbitMQ is not running and rabbitmq-server is not installed" >&2; exit 1
  fi
  wait_port 5672 RabbitMQ
  # the port opens a moment before the broker accepts logins
  for _ in $(seq 1 30); do rabbitmq-diagnostics -q check_running >/dev/null 2>&1 && break; sleep 1; done
fi

# `sanphalang backup` and `restore` on PostgreSQL run pg_dump and pg_restore (docs/operations.md)
command -v pg_dump >/dev/null && command -v pg_restore >/dev/null ||
  echo "pg_dump/pg_restore not found: install postgresql-client to back up PostgreSQL databases" >&2
