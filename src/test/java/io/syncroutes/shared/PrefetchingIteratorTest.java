package io.syncroutes.shared;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class PrefetchingIteratorTest {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "prefetch-test"));

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    /** Items 1..count, recording the thread each was read on; null after the last. */
    private static final class Numbers {
        final int count;
        final List<String> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger reads = new AtomicInteger();
        int next;

        Numbers(int count) {
            this.count = count;
        }

        Integer read() {
            reads.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            return next < count ? ++next : null;
        }

        boolean exhausted() {
            return next >= count;
        }
    }

    private static <T> List<T> drain(Iterator<T> items) {
        List<T> all = new ArrayList<>();
        while (items.hasNext()) {
            T item = items.next();
            if (item != null) {
                all.add(item);
            }
        }
        return all;
    }

    @Test
    void handsOutEveryItemInOrderReadAfterTheFirstOnTheExecutor() throws Exception {
        Numbers numbers = new Numbers(5);
        AtomicInteger released = new AtomicInteger();
        List<String> preparedOn = new CopyOnWriteArrayList<>();
        PrefetchingIterator<Integer> items = new PrefetchingIterator<>(() -> {
            preparedOn.add(Thread.currentThread().getName());
            return numbers::read;
        }, numbers::exhausted, executor, released::incrementAndGet);

        List<Integer> all = new ArrayList<>();
        while (items.hasNext()) {
            all.add(items.next());
            // the caller works on its item until the next one is read
            awaitReads(numbers, Math.min(all.size() + 1, 5));
        }
        assertThat(all).containsExactly(1, 2, 3, 4, 5);
        assertThat(numbers.threads).hasSize(5);
        assertThat(numbers.threads.get(0)).isEqualTo(Thread.currentThread().getName());
        assertThat(numbers.threads.subList(1, 5)).containsOnly("prefetch-test");
        assertThat(preparedOn).as("each read is asked for on the caller's thread").hasSize(5)
                .containsOnly(Thread.currentThread().getName());
        assertThat(numbers.reads).as("no read only to find the end, the source said it was exhausted").hasValue(5);
        items.close();
        items.close();
        assertThat(released).hasValue(1);
    }

    private static void awaitReads(Numbers numbers, int reads) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); numbers.reads.get() < reads && System.nanoTime() < end; ) {
            Thread.sleep(5);
        }
    }

    @Test
    void startBeginsTheFirstReadOnTheExecutor() throws Exception {
        Numbers numbers = new Numbers(2);
        PrefetchingIterator<Integer> items = new PrefetchingIterator<>(() -> numbers::read, numbers::exhausted, executor, () -> { })
                .start();
        awaitReads(numbers, 1);
        assertThat(numbers.threads).containsExactly("prefetch-test");
        assertThat(drain(items)).containsExactly(1, 2);
    }

    @Test
    void theNextItemIsReadWhileTheCurrentOneIsWorkedOnAndHasNextDoesNotWaitForIt() {
        CountDownLatch secondReadBegan = new CountDownLatch(1);
        CountDownLatch finishSecondRead = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        PrefetchingIterator<Integer> items = new PrefetchingIterator<>(() -> () -> {
            int call = calls.incrementAndGet();
            if (call == 2) {
                secondReadBegan.countDown();
                await(finishSecondRead);
            }
            return call <= 2 ? call : null;
        }, () -> false, executor, () -> { });

        assertTimeoutPreemptively(LIMIT, () -> {
            assertThat(items.next()).isEqualTo(1);
            // the caller still holds item 1: item 2 is being read meanwhile, and hasNext answers without waiting
            assertThat(secondReadBegan.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(items.hasNext()).isTrue();
            finishSecondRead.countDown();
            assertThat(items.next()).isEqualTo(2);
            // the read after item 2 finds nothing: next says so with null, then hasNext is false
            assertThat(items.hasNext()).isTrue();
            assertThat(items.next()).isNull();
            assertThat(items.hasNext()).isFalse();
            assertThatThrownBy(items::next).isInstanceOf(NoSuchElementException.class);
        });
    }

    @Test
    void readsOnTheCallersThreadWhenTheExecutorRefuses() {
        Numbers numbers = new Numbers(3);
        PrefetchingIterator<Integer> items = new PrefetchingIterator<>(() -> numbers::read, numbers::exhausted, task -> {
            throw new RejectedExecutionException("stopping");
        }, () -> { });
        assertThat(drain(items)).containsExactly(1, 2, 3);
        assertThat(numbers.threads).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void aReadTheExecutorHasNotBegunIsMadeByTheCallerAndNotTwice() {
        // an executor that takes the reads and never runs them (as one shut down with its queue dropped)
        List<Runnable> dropped = new ArrayList<>();
        Numbers numbers = new Numbers(3);
        PrefetchingIterator<Integer> items = new PrefetchingIterator<>(() -> numbers::read, numbers::exhausted, dropped::add, () -> { });
        assertThat(drain(items)).containsExactly(1, 2, 3);
        assertThat(dropped).hasSize(2);
        // run late, the reads taken over do nothing
        dropped.forEach(Runnable::run);
        assertThat(numbers.reads).hasValue(3);
        assertThat(numbers.threads).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void aFailedReadIsThrownByNextAndEndsTheReading() {
        AtomicInteger calls = new AtomicInteger();
        PrefetchingIterator<Integer> items = new PrefetchingIterator<>(() -> () -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("broken line");
            }
            return calls.get();
        }, () -> false, executor, () -> { });
        assertTimeoutPreemptively(LIMIT, () -> {
            assertThat(items.next()).isEqualTo(1);
            assertThat(items.hasNext()).isTrue();
            assertThatThrownBy(items::next).isInstanceOf(IllegalStateException.class).hasMessage("broken line");
            assertThat(items.hasNext()).isFalse();
        });
        assertThat(calls).hasValue(2);
    }

    @Test
    void closeWaitsForTheReadInFlightThenReleasesOnTheCallersThread() throws Exception {
        CountDownLatch readBegan = new CountDownLatch(1);
        CountDownLatch finishRead = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        List<String> releasedOn = new CopyOnWriteArrayList<>();
        PrefetchingIterator<Integer> items = new PrefetchingIterator<>(() -> () -> {
            if (calls.incrementAndGet() == 2) {
                readBegan.countDown();
                await(finishRead);
            }
            return calls.get();
        }, () -> false, executor, () -> releasedOn.add(Thread.currentThread().getName()));
        assertThat(items.next()).isEqualTo(1);
        assertThat(readBegan.await(5, TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(items::close, "closer");
        closer.start();
        closer.join(300);
        assertThat(closer.isAlive()).as("close waits for the read in flight").isTrue();
        assertThat(releasedOn).isEmpty();
        finishRead.countDown();
        closer.join(5_000);
        assertThat(releasedOn).containsExactly("closer");
        assertThat(items.hasNext()).isFalse();
        assertThat(calls).as("no read after close").hasValue(2);
    }

    @Test
    void abandonReturnsAtOnceAndTheReadInFlightReleasesWhenItEnds() throws Exception {
        CountDownLatch readBegan = new CountDownLatch(1);
        CountDownLatch finishRead = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        List<String> releasedOn = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        PrefetchingIterator<Integer> items = new PrefetchingIterator<>(() -> () -> {
            if (calls.incrementAndGet() == 2) {
                readBegan.countDown();
                await(finishRead);
            }
            return calls.get();
        }, () -> false, executor, () -> {
            releasedOn.add(Thread.currentThread().getName());
            released.countDown();
        });
        assertThat(items.next()).isEqualTo(1);
        assertThat(readBegan.await(5, TimeUnit.SECONDS)).isTrue();

        assertTimeoutPreemptively(Duration.ofSeconds(1), items::abandon);
        assertThat(releasedOn).as("not while the read is in flight").isEmpty();
        finishRead.countDown();
        assertThat(released.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(releasedOn).containsExactly("prefetch-test");
        assertThat(items.hasNext()).isFalse();
        assertThat(calls).hasValue(2);
    }

    @Test
    void closingDropsAReadNotBegunAndReleasesAtOnce() {
        List<Runnable> queued = new ArrayList<>();
        Numbers numbers = new Numbers(5);
        AtomicInteger released = new AtomicInteger();
        PrefetchingIterator<Integer> items = new PrefetchingIterator<>(() -> numbers::read, numbers::exhausted, queued::add,
                released::incrementAndGet);
        assertThat(items.next()).isEqualTo(1);
        assertThat(queued).hasSize(1);
        items.abandon();
        assertThat(released).hasValue(1);
        queued.forEach(Runnable::run);
        assertThat(numbers.reads).as("the read queued before the close never runs").hasValue(1);
        assertThat(items.hasNext()).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
