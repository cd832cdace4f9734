package io.syncroutes.shared;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LongSetTest {

    @Test
    void behavesLikeASetOfLongsThroughGrowth() {
        LongSet set = new LongSet();
        Set<Long> reference = new HashSet<>();
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            long value = random.nextInt(100_000) - 50_000L;
            assertThat(set.add(value)).isEqualTo(reference.add(value));
        }
        assertThat(set.size()).isEqualTo(reference.size());
    }

    @Test
    void acceptsExtremeValues() {
        LongSet set = new LongSet();
        assertThat(set.add(Long.MIN_VALUE)).isTrue();
        assertThat(set.add(Long.MIN_VALUE)).isFalse();
        assertThat(set.add(Long.MAX_VALUE)).isTrue();
        assertThat(set.add(0)).isTrue();
        assertThat(set.size()).isEqualTo(3);
    }
}
