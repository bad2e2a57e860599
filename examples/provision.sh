#!/bin/sh
# Sets up a complete SMS channel through the API; see examples/provision.ts for the variables it reads.
#   SMSDESK_URL=http://localhost:3000 SMSDESK_TOKEN=... TELESIGN_CUSTOMER_ID=... TELESIGN_API_KEY=... \
#   SMS_NUMBER=14252306549 examples/provision.sh
set -eu
exec npx tsx "$(dirname "$0")/provision.ts" "$@"
