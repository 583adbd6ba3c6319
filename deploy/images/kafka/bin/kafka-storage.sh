#!/bin/bash
# kafka-storage.sh of the Kafka distribution: runs kafka.tools.StorageTool
KAFKA_HEAP_OPTS="${KAFKA_TOOL_HEAP_OPTS:--Xmx128m}" KAFKA_JVM_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1" exec /opt/kafka/bin/kafka-run-class.sh kafka.tools.StorageTool "$@"
