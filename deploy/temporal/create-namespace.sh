#!/bin/sh
# One-shot: creates smsdesk's namespace and registers the search attributes the workflows set and operators filter
# by in the Temporal UI (temporal/search-attributes.ts). Idempotent: existing ones are left alone.
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${NAMESPACE:=smsdesk}"
: "${RETENTION:=30d}"
export TEMPORAL_ADDRESS

echo "waiting for Temporal at ${TEMPORAL_ADDRESS}"
tries=0
until temporal operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "Temporal did not become healthy" >&2; exit 1; fi
  sleep 2
done

if temporal operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "namespace $NAMESPACE created (retention $RETENTION)"
fi

# A new namespace reaches every frontend's cache only after a few seconds.
tries=0
until existing=$(temporal operator search-attribute list --namespace "$NAMESPACE" 2>/dev/null); do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "namespace $NAMESPACE is not visible" >&2; exit 1; fi
  sleep 2
done

# Keep in step with temporal/search-attributes.ts (all Keyword).
for name in CustomerNumber SupportNumber ConversationState QueueId AgentId; do
  if echo "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type Keyword
    echo "search attribute $name created"
  fi
done
