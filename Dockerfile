# mistyproxy: build with the README's package command, run on a plain JRE as a non-root user.
#   docker build -t mistyproxy .
#   docker run -p 8080:8080 -v "$PWD/conf:/config:ro" -v mistyproxy-data:/data mistyproxy
# The configuration must listen on 0.0.0.0 (see README.md, "Docker").

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
# curl: for HEALTHCHECK (not every tag of the base image ships it).
# libpulse0: FFmpeg's v4l2 input (local camera devices) links it.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl libpulse0 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 10001 --shell /usr/sbin/nologin mistyproxy \
    && mkdir -p /config /data \
    && chown mistyproxy /data
COPY --from=build /src/proxy/target/mistyproxy.jar /opt/mistyproxy/mistyproxy.jar
USER mistyproxy
VOLUME ["/config", "/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["java", "-jar", "/opt/mistyproxy/mistyproxy.jar"]
CMD ["serve", "--config", "/config/mistyproxy.yaml"]
