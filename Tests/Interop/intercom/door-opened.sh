#!/bin/sh
# A door action for the agent's end-to-end tests: appends one line per opening to FILE, with
# what the agent puts in the environment of a door command.
#
#   door-opened.sh FILE
#
# The line: door=NAME caller=URI trigger=dtmf|message|control source=ADDRESS
set -eu
printf 'door=%s caller=%s trigger=%s source=%s\n' \
    "${INTERCOM_DOOR:-}" "${INTERCOM_CALLER:-}" "${INTERCOM_TRIGGER:-}" "${INTERCOM_SOURCE:-}" >>"$1"
