package io.corral.connector.http2.hpack;

/**
 * HPACK's dynamic table (RFC 7541 §2.3.2, §4): a FIFO of fields, newest first, whose total size (each entry its
 * octets plus 32) never exceeds the current maximum; adding evicts from the oldest end, and an entry larger than
 * the maximum empties the table (§4.4). The encoder and the decoder each keep one, and HPACK's rules keep the
 * two in step. Stored as a ring so that adding and evicting move nothing.
 */
final class DynamicTable {

    private HeaderField[] ring = new HeaderField[16];
    /** Slot of the oldest entry. */
    private int head;
    private int count;
    private int size;
    private int maxSize;

    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    int length() {
        return count;
    }

    /** The total size of the entries, as §4.1 counts it. */
    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** The entry at {@code index}, 1 being the newest (HPACK index {@code 61 + index}). */
    HeaderField get(int index) {
        return ring[(head + count - index) & (ring.length - 1)];
    }

    /** A new maximum (§4.3): evicts until the entries fit. */
    void setMaxSize(int newMaxSize) {
        maxSize = newMaxSize;
        evictTo(newMaxSize);
    }

    /**
     * Stands for adding an entry larger than any maximum this table can have, whose octets the decoder chose not
     * to keep: by §4.4 that empties the table.
     */
    void addOversized() {
        evictTo(0);
    }

    void add(HeaderField field) {
        int fieldSize = field.size();
        if (fieldSize > maxSize) {
            evictTo(0);
            return;
        }
        evictTo(maxSize - fieldSize);
        if (count == ring.length) {
            grow();
        }
        ring[(head + count) & (ring.length - 1)] = field;
        count++;
        size += fieldSize;
    }

    private void evictTo(int target) {
        while (size > target) {
            HeaderField oldest = ring[head];
            ring[head] = null;
            head = (head + 1) & (ring.length - 1);
            count--;
            size -= oldest.size();
        }
    }

    /** Only up to maxSize / 32 entries ever fit, so this grows a few times at most. */
    private void grow() {
        HeaderField[] bigger = new HeaderField[ring.length * 2];
        for (int i = 0; i < count; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }
}
