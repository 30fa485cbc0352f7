package ing.paperclip.db.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class StreamsTest {
  /** Records what reaches it. */
  private static final class Sink extends ByteArrayOutputStream {
    boolean closed;
    int flushes;
    int writes;

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes++;
      super.write(b, off, len);
    }

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void closeFlushesButLeavesTheDestinationOpenAndWritesPassWhole() throws IOException {
    Sink sink = new Sink();
    OutputStream view = Streams.nonClosing(sink);
    view.write(new byte[] {1, 2, 3, 4}, 1, 3);
    assertEquals(1, sink.writes, "one bulk write, not one per byte");
    view.close();
    assertFalse(sink.closed);
    assertEquals(1, sink.flushes);
    assertArrayEquals(new byte[] {2, 3, 4}, sink.toByteArray());
  }

  @Test
  void twoGzipMembersEndToEndOnOneDestination() throws IOException {
    Sink sink = new Sink();
    for (String s : new String[] {"first", "second"}) {
      try (GZIPOutputStream gz = new GZIPOutputStream(Streams.nonClosing(sink))) {
        gz.write(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
    }
    assertFalse(sink.closed);
    byte[] all = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(sink.toByteArray()))
        .readAllBytes();
    assertEquals("firstsecond", new String(all, java.nio.charset.StandardCharsets.US_ASCII));
  }
}
