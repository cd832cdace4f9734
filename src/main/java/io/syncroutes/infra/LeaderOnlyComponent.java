package io.syncroutes.infra;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.master.MasterComponent;
import org.apache.camel.component.master.MasterEndpoint;

import java.util.Map;

/**
 * camel-master's {@code master:<namespace>:<uri>} component and endpoint over a cluster service, with
 * {@link LeaderOnlyConsumer} as the consumer (see there what it fixes of camel-master 4.17's).
 */
final class LeaderOnlyComponent extends MasterComponent {

    private final CamelClusterService clusterService;
    private final long retryMs;

    LeaderOnlyComponent(CamelClusterService clusterService, long retryMs) {
        this.clusterService = clusterService;
        this.retryMs = retryMs;
        setService(clusterService);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> params) throws Exception {
        String[] parsed = SingleInstanceMaster.parse(uri, remaining);
        String namespace = parsed[0];
        String delegateUri = parsed[1];
        return new MasterEndpoint(uri, this, clusterService, namespace, delegateUri) {
            @Override
            public Consumer createConsumer(Processor processor) throws Exception {
                LeaderOnlyConsumer consumer = new LeaderOnlyConsumer(this, processor, clusterService, retryMs);
                configureConsumer(consumer);
                return consumer;
            }
        };
    }
}
