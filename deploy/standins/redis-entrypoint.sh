#!/bin/sh
# As the official redis image: started without a configuration file, Redis would refuse
# every client but loopback (protected mode); the compose network is the boundary here.
set -eu
if [ "${1:-}" = redis-server ]; then
    shift
    exec setpriv --reuid=redis --regid=redis --init-groups redis-server --protected-mode no "$@"
fi
exec "$@"
