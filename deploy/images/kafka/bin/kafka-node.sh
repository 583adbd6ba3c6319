#!/bin/bash
# Starts one KRaft node. Every KAFKA_* variable is a server property (apache/kafka's convention: lower case, "_" is
# ".", "__" is "_", "___" is "-"), except KAFKA_HEAP_OPTS and KAFKA_OPTS (the JVM's). CLUSTER_ID is required: the log
# directory is formatted with it on first start (with the SCRAM credentials of KAFKA_FORMAT_SCRAM, if set, e.g.
# 'SCRAM-SHA-512=[name=admin,password=…]'), reused afterwards.
set -euo pipefail
: "${CLUSTER_ID:?CLUSTER_ID is required}"
: "${KAFKA_NODE_ID:?KAFKA_NODE_ID is required}"
conf=/opt/kafka/config/server.properties
: >"$conf"
while IFS='=' read -r -d '' name value; do
  case "$name" in
    KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JVM_OPTS|KAFKA_FORMAT_SCRAM) continue ;;
    KAFKA_*)
      key=${name#KAFKA_}
      key=${key//___/-}
      key=${key//__/@}
      key=${key//_/.}
      key=${key//@/_}
      printf '%s=%s\n' "${key,,}" "$value" >>"$conf" ;;
  esac
done < <(env -0)
logdir=$(sed -n 's/^log\.dirs=//p' "$conf" | cut -d, -f1)
if [ ! -f "$logdir/meta.properties" ]; then
  args=(format --cluster-id "$CLUSTER_ID" --config "$conf")
  [ -n "${KAFKA_FORMAT_SCRAM:-}" ] && args+=(--add-scram "$KAFKA_FORMAT_SCRAM")
  kafka-run-class.sh kafka.tools.StorageTool "${args[@]}"
fi
exec kafka-run-class.sh kafka.Kafka "$conf"
