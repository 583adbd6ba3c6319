#!/bin/bash
# kafka-broker-api-versions.sh of the Kafka distribution: runs org.apache.kafka.tools.BrokerApiVersionsCommand
KAFKA_HEAP_OPTS="${KAFKA_TOOL_HEAP_OPTS:--Xmx128m}" KAFKA_JVM_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1" exec /opt/kafka/bin/kafka-run-class.sh org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
