#!/bin/bash
# kafka-run-class.sh CLASS ARGS…: runs one of Kafka's classes on its jars.
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_JVM_OPTS:--XX:+UseSerialGC} ${KAFKA_OPTS:-} \
  -Dslf4j.internal.verbosity=WARN -cp '/opt/kafka/logging:/opt/kafka/libs/*' "$@"
