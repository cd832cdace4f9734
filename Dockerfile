# sync-routes image, built from the sources: docker build -t sync-routes . (or docker compose up --build)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# dependencies and plugins first: this layer is reused until pom.xml changes
COPY pom.xml ./
RUN mvn -B -q dependency:go-offline
COPY src src
COPY routes routes
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 sync-routes \
 && useradd --system --uid 10001 --gid sync-routes --home-dir /app --no-create-home --shell /usr/sbin/nologin sync-routes \
 && mkdir -p /data \
 && chown sync-routes:sync-routes /data
WORKDIR /app
COPY --from=build /build/target/sync-routes.jar /app/sync-routes.jar
COPY routes /app/routes
# a class-data-sharing archive of the classes a training run loads (every flow once against the simulators):
# the app starts faster with it
# (exit status 1, a flow that failed against the simulators, still trains; 2, the app did not start, does not)
RUN mkdir /tmp/training && cd /tmp/training \
 && { ROUTES_DIR=/app/routes java -XX:ArchiveClassesAtExit=/app/sync-routes.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
      -jar /app/sync-routes.jar --demo --once > training.log 2>&1 || [ $? -eq 1 ]; } \
 && test -s /app/sync-routes.jsa || { tail -20 /tmp/training/training.log; exit 1; } \
 && rm -rf /tmp/training
ENV ROUTES_DIR=/app/routes \
    DATA_INBOUND_DIR=/data/inbound \
    DATA_DONE_DIR=/data/done \
    DATA_ERROR_DIR=/data/error \
    DATA_OUTBOUND_DIR=/data/outbound \
    MONGO_EMBEDDED_DIR=/data/mongo \
    RABBITMQ_EMBEDDED_DIR=/data/amqp
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:SharedArchiveFile=/app/sync-routes.jsa", "-jar", "/app/sync-routes.jar"]
