package ing.paperclip.db.core.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ing.paperclip.db.core.ErrorCode;
import ing.paperclip.db.core.PaperclipException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class InstanceLayoutTest {
  private final Path user = Path.of("/home/u");

  @Test
  void defaults() {
    InstanceLayout l = InstanceLayout.resolve(Map.of(), Optional.empty(), Optional.empty(), user);
    assertEquals(Path.of("/home/u/.paperclip/instances/default/db"), l.embeddedDataDir());
    assertEquals(Path.of("/home/u/.paperclip/instances/default/data/backups"), l.backupDir());
    assertEquals(Path.of("/home/u/.paperclip/instances/default/secrets/master.key"), l.defaultMasterKeyFile());
  }

  @Test
  void environmentThenOverrides() {
    Map<String, String> env = Map.of("PAPERCLIP_HOME", "~/pc", "PAPERCLIP_INSTANCE_ID", "staging");
    InstanceLayout l = InstanceLayout.resolve(env, Optional.empty(), Optional.empty(), user);
    assertEquals(Path.of("/home/u/pc/instances/staging"), l.instanceDir());
    l = InstanceLayout.resolve(env, Optional.of(Path.of("/srv/pc")), Optional.of("prod_1"), user);
    assertEquals(Path.of("/srv/pc/instances/prod_1"), l.instanceDir());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "../etc", "a/b", "with space", "ü", "x;rm -rf", "a\nb"})
  void badInstanceIdsAreRefused(String id) {
    PaperclipException e = assertThrows(PaperclipException.class,
        () -> InstanceLayout.resolve(Map.of(), Optional.empty(), Optional.of(id), user));
    assertEquals(ErrorCode.INVALID_INPUT, e.code());
    assertTrue(e.getMessage().contains("A-Z, a-z, 0-9"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }
}
