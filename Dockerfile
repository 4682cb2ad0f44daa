# syntax=docker/dockerfile:1
# The tradingdb-operator image. From the repository root:
#   docker build -t ghcr.io/tradingdb/tradingdb-operator:0.1.0 .

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml ./
COPY src/main ./src/main
# `mvn package` writes the jar (its manifest has Class-Path: lib/...) and copies runtime dependencies to target/lib.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q package -Dmaven.test.skip=true \
 && mkdir /out \
 && cp target/tradingdb-operator-*.jar /out/tradingdb-operator.jar \
 && cp -r target/lib /out/lib

FROM eclipse-temurin:17-jre
WORKDIR /app
# Dependencies first: they change less often than the operator, so their layer is reused.
COPY --from=build /out/lib/ /app/lib/
COPY --from=build /out/tradingdb-operator.jar /app/tradingdb-operator.jar
# Class-data sharing archive of the classes a start needs: the operator starts faster from it.
RUN java -XX:ArchiveClassesAtExit=/app/tradingdb-operator.jsa -cp /app/tradingdb-operator.jar io.tradingdb.operator.CdsTraining
# The same JVM options as the chart's jvmOptions (a test keeps them equal); the chart's env var overrides these.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=40 -XX:InitialRAMPercentage=10 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:-ShrinkHeapInSteps -XX:NewRatio=4 -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=32m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:SharedArchiveFile=/app/tradingdb-operator.jsa -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -XX:TrimNativeHeapInterval=5000 -Dsun.reflect.inflationThreshold=2147483647 -Djdk.tls.client.cipherSuites=TLS_CHACHA20_POLY1305_SHA256,TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" \
    HTTP_PORT=8080
EXPOSE 8080
# Numeric user, so Kubernetes can verify runAsNonRoot without a passwd entry.
USER 65532:65532
ENTRYPOINT ["java", "-jar", "/app/tradingdb-operator.jar"]
