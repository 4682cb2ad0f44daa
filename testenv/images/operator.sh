# The operator image as the Dockerfile at the top of the repository builds it, on Debian's Java 17
# runtime (Debian 12: Debian 13 has no Java 17) instead of eclipse-temurin:17-jre.
# Needs the jar and target/lib from `mvn package`; builds them when target/ has none.
OPERATOR_VERSION=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$PROJECT_DIR/helm/tradingdb-operator/Chart.yaml")
IMAGE_REF=localhost/tradingdb/tradingdb-operator:$OPERATOR_VERSION
SUITE=bookworm
PACKAGES=(openjdk-17-jre-headless)
# The JRE's postinst links its man pages with update-alternatives, which fails if the folder is
# missing (build.sh keeps man pages out of the images).
ESSENTIAL_HOOK='mkdir -p "$1/usr/share/man/man1"'
CONFIG_USER=65532:65532
CONFIG_WORKDIR=/app
# The chart's jvmOptions, which the Dockerfile repeats (DockerfileTest keeps the two equal).
CONFIG_ENV=(
  "JAVA_TOOL_OPTIONS=$(sed -n 's/.*JAVA_TOOL_OPTIONS="\([^"]*\)".*/\1/p' "$PROJECT_DIR/Dockerfile")"
  HTTP_PORT=8080
)
CONFIG_ENTRYPOINT=(java -jar /app/tradingdb-operator.jar)
CONFIG_PORTS=(8080/tcp)

operator_jar() { ls "$PROJECT_DIR"/target/tradingdb-operator-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | head -1; }

inputs() {
  if [ -z "$(operator_jar)" ]; then
    log "operator: no jar in target/, running mvn package"
    (cd "$PROJECT_DIR" && nice -n 10 mvn -B -ntp -q package -Dmaven.test.skip=true >&2)
  fi
  (cd "$PROJECT_DIR/target" && sha256sum "$(basename "$(operator_jar)")" lib/*)
  printf '%s\n' "${CONFIG_ENV[@]}"
}

customize() {
  local root=$1
  install -d "$root/app/lib"
  cp "$(operator_jar)" "$root/app/tradingdb-operator.jar"
  cp "$PROJECT_DIR"/target/lib/* "$root/app/lib/"
  # The archive records each jar's mtime; the image tarball clamps mtimes to the build epoch, so
  # set them to it first or the JVM refuses the archive ("not the one used while building").
  find "$root/app" -exec touch -h -d "@$EPOCH" {} +
  # The Dockerfile's class-data sharing archive, made by the same training run.
  chroot "$root" java -XX:ArchiveClassesAtExit=/app/tradingdb-operator.jsa -cp /app/tradingdb-operator.jar io.tradingdb.operator.CdsTraining >&2
  test -s "$root/app/tradingdb-operator.jsa"
}
