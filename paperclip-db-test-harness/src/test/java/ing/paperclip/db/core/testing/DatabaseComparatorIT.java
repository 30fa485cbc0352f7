package ing.paperclip.db.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

@WithPostgres
class DatabaseComparatorIT {

  @Test
  void identicalCorporaCompareEqualAndChangesAreCaught(TestDatabase db) {
    db.execute(Corpora.hostile2());
    TestDatabase other = db.sibling("cmp");
    try {
      other.execute(Corpora.hostile2());
      DatabaseComparator.assertSameSchemaAndData(db, other);
      Map<String, String> digests = DatabaseComparator.fingerprints(db);
      assertTrue(digests.containsKey("r public.zero_columns"), digests.keySet().toString());
      assertEquals("unpopulated", digests.get("m public.mv_empty"));
      assertEquals("1:false", digests.get("S public.unused_seq"), digests.toString());

      other.execute("update public.dropped_col set c = 'changed' where a = 1");
      AssertionFailedError dataError = assertThrows(AssertionFailedError.class,
          () -> DatabaseComparator.assertSameData(db, other));
      assertTrue(dataError.getMessage().contains("public.dropped_col"), dataError.getMessage());

      other.execute("select setval('public.unused_seq', 5)");
      AssertionFailedError seqError = assertThrows(AssertionFailedError.class,
          () -> DatabaseComparator.assertSameData(db, other));
      assertTrue(seqError.getMessage().contains("S public.unused_seq"), seqError.getMessage());

      other.execute("create index extra_idx on public.dropped_col (c)");
      Oracles.requirePgDump(db);
      AssertionFailedError schemaError = assertThrows(AssertionFailedError.class,
          () -> DatabaseComparator.assertSameSchema(db, other));
      assertTrue(schemaError.getMessage().contains("+ CREATE INDEX extra_idx"),
          schemaError.getMessage());
    } finally {
      other.drop();
    }
  }

  @Test
  void diffShowsOnlyChangedLinesWithContext() {
    String d = DatabaseComparator.diff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nX\ne\nf\ng\n");
    assertEquals("  b\n  c\n- d\n+ X\n  e\n  f\n", d);
  }
}
