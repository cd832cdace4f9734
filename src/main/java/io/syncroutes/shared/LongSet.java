package io.syncroutes.shared;

import java.util.Arrays;

/** A set of primitive longs (open addressing): remembers millions of keys, e.g. the ids seen in one huge file, in 16 bytes each at most. */
public final class LongSet {

    private static final long EMPTY = Long.MIN_VALUE;

    private long[] slots = newSlots(1024);
    private boolean containsEmptyMarker;
    private int size;

    /** Adds {@code value}; false when it was already present. */
    public boolean add(long value) {
        if (value == EMPTY) {
            boolean added = !containsEmptyMarker;
            containsEmptyMarker = true;
            size += added ? 1 : 0;
            return added;
        }
        if ((size + 1) * 2L > slots.length) {
            grow();
        }
        if (!insert(slots, value)) {
            return false;
        }
        size++;
        return true;
    }

    /** Whether {@code value} was added. */
    public boolean contains(long value) {
        if (value == EMPTY) {
            return containsEmptyMarker;
        }
        int mask = slots.length - 1;
        int i = mix(value) & mask;
        while (slots[i] != EMPTY) {
            if (slots[i] == value) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    public int size() {
        return size;
    }

    private static boolean insert(long[] table, long value) {
        int mask = table.length - 1;
        int i = mix(value) & mask;
        while (table[i] != EMPTY) {
            if (table[i] == value) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = value;
        return true;
    }

    private void grow() {
        long[] bigger = newSlots(slots.length * 2);
        for (long value : slots) {
            if (value != EMPTY) {
                insert(bigger, value);
            }
        }
        slots = bigger;
    }

    private static long[] newSlots(int capacity) {
        long[] table = new long[capacity];
        Arrays.fill(table, EMPTY);
        return table;
    }

    private static int mix(long value) {
        long h = value * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
