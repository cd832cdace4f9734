# Runtime image of sync-routes: build the jar first (mvn -B package -DskipTests).
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY target/sync-routes.jar /app/sync-routes.jar
COPY routes /app/routes
ENV ROUTES_DIR=/app/routes \
    DATA_INBOUND_DIR=/data/inbound \
    DATA_DONE_DIR=/data/done \
    DATA_ERROR_DIR=/data/error \
    DATA_OUTBOUND_DIR=/data/outbound \
    MONGO_EMBEDDED_DIR=/data/mongo
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/sync-routes.jar"]
