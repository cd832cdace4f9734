package io.syncroutes.infra;

import io.syncroutes.Http;
import io.syncroutes.SyncRoutesTestSupport;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Without management credentials, /observe/runs and /observe/provenance answer loopback clients only, like /observe/sync. */
class ProvenanceEndpointsLoopbackTest extends SyncRoutesTestSupport {

    @Test
    void onlyLoopbackClientsGetRunsAndProvenance() throws Exception {
        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(ni -> {
                    try {
                        return ni.isUp() && !ni.isLoopback();
                    } catch (Exception e) {
                        return false;
                    }
                })
                .flatMap(ni -> Collections.list(ni.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        assumeThat(external).as("a non-loopback address to call from").isPresent();
        String remote = "http://" + external.get().getHostAddress() + ":" + httpPort();
        for (String path : ProvenanceEndpointsAuthTest.PATHS) {
            assertThat(Http.get(remote + path).statusCode()).as(path).isEqualTo(403);
        }
        assertThat(Http.get("http://127.0.0.1:" + httpPort() + "/observe/runs").statusCode()).isEqualTo(200);
    }
}
