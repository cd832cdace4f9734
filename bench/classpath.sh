# Compiles the project and its tests and sets BENCH_CP to their classpath (sourced by the bench scripts).
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
BENCH_CP="target/test-classes:target/classes:$(cat target/bench.classpath)"
export BENCH_CP
