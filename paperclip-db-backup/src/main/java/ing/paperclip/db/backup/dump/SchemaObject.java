package ing.paperclip.db.backup.dump;

import java.util.List;
import java.util.Objects;

/**
 * One object of a dump's schema, like an entry of pg_dump's table of contents: the SQL that
 * creates it and the keys of the objects it needs first.
 *
 * @param kind upper-case kind, e.g. {@code SCHEMA}, {@code EXTENSION}, {@code TYPE},
 *     {@code FUNCTION}, {@code SEQUENCE}, {@code TABLE}, {@code VIEW}, {@code CONSTRAINT},
 *     {@code FK CONSTRAINT}, {@code INDEX}, {@code TRIGGER}, {@code POLICY}, {@code COMMENT},
 *     {@code ACL}, {@code SEQUENCE SET}, {@code MATERIALIZED VIEW DATA}
 * @param schema the schema it lives in, or {@code ""} for objects outside schemas
 * @param name the object's name (for members: {@code table.member})
 * @param section where it belongs; never {@link Section#DATA}
 * @param sql one or more complete SQL statements, each ending with {@code ;}, with every
 *     identifier quoted
 * @param dependsOn {@link #key()}s of objects that must be created first
 */
public record SchemaObject(
    String kind, String schema, String name, Section section, String sql, List<String> dependsOn) {

  /** Validates and copies. */
  public SchemaObject {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(sql, "sql");
    if (section == Section.DATA) {
      throw new IllegalArgumentException("schema objects belong to PRE_DATA or POST_DATA");
    }
    dependsOn = List.copyOf(dependsOn);
  }

  /** Returns the identity of this object within a dump: {@code kind schema.name}. */
  public String key() {
    return kind + " " + schema + "." + name;
  }
}
