package io.syncroutes.shared;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * An iterator that reads its next item on an executor's thread while the caller works on the current one, so that
 * reading and writing overlap; one read at a time, so at most two items are held. A read the executor refuses, or
 * has not begun when its item is wanted, is made on the caller's thread instead.
 *
 * <p>{@link #hasNext} never waits for the read in flight (Camel's splitter asks for it right after taking an item,
 * before processing it): {@link #next} then returns null if that read found nothing more, which the splitter skips.
 */
public final class PrefetchingIterator<T> implements Iterator<T>, AutoCloseable {

    private enum Read { NONE, QUEUED, RUNNING, DONE }

    private final Supplier<Supplier<T>> nextRead;
    private final BooleanSupplier exhausted;
    private final Executor executor;
    private final Runnable release;
    // the read handed to the executor (guarded by this), and which one it is: a read taken over is skipped there
    private Read read = Read.NONE;
    private long readNumber;
    private Supplier<T> queued;
    private T item;
    private Throwable failure;
    // the source returned null, failed, or said it holds no more: no further read
    private boolean ended;
    private boolean closed;
    private boolean abandoned;
    private boolean released;

    /**
     * {@code nextRead} gives, on the caller's thread when the next item is asked for, the read that returns it (null at
     * the end), so that what the read needs of the caller's state is taken then; reads never run on two threads at
     * once. {@code exhausted}, asked right after each read on its thread, says no item is left (no read is then made
     * only to find nothing). {@code release} runs once, after the last read, when the iterator is closed.
     */
    public PrefetchingIterator(Supplier<Supplier<T>> nextRead, BooleanSupplier exhausted, Executor executor, Runnable release) {
        this.nextRead = nextRead;
        this.exhausted = exhausted;
        this.executor = executor;
        this.release = release;
    }

    /** Begins reading the first item now, before it is asked for. */
    public PrefetchingIterator<T> start() {
        synchronized (this) {
            if (read != Read.NONE || item != null || ended || closed) {
                return this;
            }
        }
        submit();
        return this;
    }

    /** True while an item is held or being read; without either, reads the next one here. False once closed. */
    @Override
    public boolean hasNext() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (item != null || failure != null || read != Read.NONE) {
                return true;
            }
            if (ended) {
                return false;
            }
        }
        T next = readHere(nextRead.get());
        synchronized (this) {
            item = closed ? null : next;
        }
        return next != null;
    }

    /** The next item, or null when the read in flight found nothing more; the read after it begins at once. */
    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T next = take();
        boolean more;
        synchronized (this) {
            more = next != null && !ended && !closed;
        }
        if (more) {
            submit();
        }
        return next;
    }

    /** Reads no more: a read not begun is dropped, one in flight waited for (never interrupted); then releases. */
    @Override
    public void close() {
        boolean interrupted = false;
        synchronized (this) {
            closed = true;
            dropQueued();
            while (read == Read.RUNNING) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            item = null;
        }
        releaseOnce();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads no more, without waiting: a read in flight releases the source when it ends, on its thread. */
    public void abandon() {
        synchronized (this) {
            closed = true;
            abandoned = true;
            dropQueued();
            item = null;
            if (read == Read.RUNNING) {
                return;
            }
        }
        releaseOnce();
    }

    private void submit() {
        Supplier<T> one = nextRead.get();
        long number;
        synchronized (this) {
            read = Read.QUEUED;
            number = ++readNumber;
            queued = one;
        }
        try {
            executor.execute(() -> readOnExecutor(number, one));
        } catch (RejectedExecutionException stopping) {
            // read on the caller's thread when its item is wanted
            synchronized (this) {
                if (readNumber == number && read == Read.QUEUED) {
                    read = Read.NONE;
                    queued = null;
                }
            }
        }
    }

    private void readOnExecutor(long number, Supplier<T> one) {
        synchronized (this) {
            if (read != Read.QUEUED || readNumber != number) {
                return;
            }
            read = Read.RUNNING;
            queued = null;
        }
        T next = null;
        Throwable failed = null;
        boolean last = true;
        try {
            next = one.get();
            last = next == null || exhausted.getAsBoolean();
        } catch (Throwable e) {
            failed = e;
        }
        boolean releaseNow;
        synchronized (this) {
            item = next;
            failure = failed;
            ended |= last;
            read = Read.DONE;
            notifyAll();
            releaseNow = abandoned;
        }
        if (releaseNow) {
            releaseOnce();
        }
    }

    /** The item held, or the one the read in flight returns; a read not begun yet is made here instead. */
    private T take() {
        boolean interrupted = false;
        try {
            Supplier<T> takenOver;
            synchronized (this) {
                if (read == Read.QUEUED) {
                    read = Read.NONE;
                    takenOver = queued;
                    queued = null;
                } else {
                    while (read == Read.RUNNING) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                    read = Read.NONE;
                    Throwable failed = failure;
                    T next = item;
                    failure = null;
                    item = null;
                    if (failed != null) {
                        throw rethrow(failed);
                    }
                    return next;
                }
            }
            return readHere(takenOver);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private T readHere(Supplier<T> one) {
        try {
            T next = one.get();
            boolean last = next == null || exhausted.getAsBoolean();
            synchronized (this) {
                ended |= last;
            }
            return next;
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                ended = true;
            }
            throw e;
        }
    }

    private void dropQueued() {
        if (read == Read.QUEUED) {
            read = Read.NONE;
            queued = null;
        }
    }

    private void releaseOnce() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        release.run();
    }

    private static RuntimeException rethrow(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        return failure instanceof RuntimeException runtime ? runtime : new IllegalStateException(failure);
    }
}
