package io.corral.bench.sidebyside;

import java.nio.file.Path;
import java.util.List;

/**
 * What the orchestrator needs to start servers and clients, as {@code bench/side-by-side} found it.
 *
 * @param java             the JDK's {@code java} launcher (the same JDK runs every JVM of the benchmark)
 * @param jcmd             the JDK's {@code jcmd}, for class histograms of a server
 * @param serverJvmFlags   the flags of every measured JVM under load, identical for both connectors
 * @param idleJvmFlags     the same for the idle-capacity scenarios, with a larger heap
 * @param serverClasspath  the demo's classpath plus the bench classes ({@link BenchServer})
 * @param benchClasspath   the bench classes and their runtime dependencies (raw engine, clients)
 * @param war              the war-sample
 * @param nginxConf        the nginx configuration template
 * @param nginx            the nginx binary, or null when it could not be installed
 * @param wrk              the wrk binary, or null when it could not be installed
 * @param logs             where every started process writes its output
 * @param h2load           the h2load binary (Debian's nghttp2-client), or null when it could not be installed
 */
record BenchEnvironment(Path java, Path jcmd, List<String> serverJvmFlags, List<String> idleJvmFlags,
                        String serverClasspath,
                        String benchClasspath, Path war, Path nginxConf, Path nginx, Path wrk, Path logs,
                        Path h2load) {
}
