#!/bin/sh
# The official image's contract: the first user from the environment, the server in the foreground.
set -eu
conf=/etc/rabbitmq/conf.d/10-defaults.conf
mkdir -p /etc/rabbitmq/conf.d /var/lib/rabbitmq
{
  echo "loopback_users = none"
  echo "listeners.tcp.default = 5672"
  echo "management.tcp.port = 15672"
  if [ -n "${RABBITMQ_DEFAULT_USER:-}" ]; then echo "default_user = $RABBITMQ_DEFAULT_USER"; fi
  if [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then echo "default_pass = $RABBITMQ_DEFAULT_PASS"; fi
  if [ -n "${RABBITMQ_DEFAULT_VHOST:-}" ]; then echo "default_vhost = $RABBITMQ_DEFAULT_VHOST"; fi
} >"$conf"
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /etc/rabbitmq
if [ "$1" = rabbitmq-server ]; then
  # RabbitMQ's own start script, as the official image runs it: it traps SIGTERM (docker stop)
  # and stops the node cleanly. Debian's /usr/sbin/rabbitmq-server wrapper would stay PID 1 as a
  # shell that ignores every signal, so each stop waited out its timeout and was killed.
  shift
  exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
fi
exec "$@"
