package ing.paperclip.db.secrets.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ing.paperclip.db.secrets.store.NewSecret;
import ing.paperclip.db.secrets.store.SecretInfo;
import ing.paperclip.db.secrets.store.SecretStore;
import ing.paperclip.db.secrets.strict.StrictMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import ing.paperclip.db.secrets.internal.Jdbc;

/**
 * Moves plain, sensitive env values of agents ({@code agents.adapter_config -> 'env'}) into
 * secrets named {@code agent_<first 8 of agent id>_<lower-cased key>} (rotating one that exists)
 * and replaces each binding with {@code {"type":"secret_ref","secretId":..,"version":"latest"}}.
 * A dry run changes nothing; an applied run does everything in one transaction, so a failure
 * leaves no agent half-migrated. Re-running finds nothing to do.
 */
public final class InlineEnvMigration {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One value to move.
   *
   * @param agentId the agent
   * @param companyId its company
   * @param envKey the variable name
   * @param secretName the secret it goes to
   */
  public record Move(UUID agentId, UUID companyId, String envKey, String secretName) {}

  private final SecretStore store;

  /** Creates the migration over a store. */
  public InlineEnvMigration(SecretStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * Finds (and with {@code apply} performs) the moves.
   *
   * @param companyId limit to one company, or empty for all
   * @param apply false for a dry run
   * @return the moves, found or done
   */
  public List<Move> run(Optional<UUID> companyId, boolean apply) {
    return store.inTransaction(tx -> {
      List<Move> moves = new ArrayList<>();
      record Agent(UUID id, UUID company, String config) {}
      List<Agent> agents = Jdbc.list(tx, "SELECT id, company_id, adapter_config::text FROM public.agents"
          + " WHERE jsonb_typeof(adapter_config -> 'env') = 'object'"
          + (companyId.isPresent() ? " AND company_id = ?" : "") + " ORDER BY created_at, id FOR UPDATE",
          rs -> new Agent(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)),
          companyId.map(id -> new Object[] {id}).orElse(new Object[0]));
      for (Agent a : agents) {
        UUID agentId = a.id();
        UUID company = a.company();
        ObjectNode config = parse(a.config());
        JsonNode env = config.path("env");
        List<String> keys = StrictMode.plainSensitive(env);
        if (keys.isEmpty()) {
          continue;
        }
        for (String key : keys) {
          String secretName = "agent_" + agentId.toString().substring(0, 8) + "_" + key.toLowerCase(Locale.ROOT);
          moves.add(new Move(agentId, company, key, secretName));
          if (apply) {
            String value = StrictMode.plainValue(env.get(key));
            Optional<SecretInfo> existing = store.findByName(tx, company, secretName);
            SecretInfo s = existing.isPresent() ? store.rotate(tx, existing.get().id(), value)
                : store.create(tx, NewSecret.forCompany(company).key(secretName).value(value));
            ObjectNode ref = JSON.createObjectNode();
            ref.put("type", "secret_ref");
            ref.put("secretId", s.id().toString());
            ref.put("version", "latest");
            ((ObjectNode) config.get("env")).set(key, ref);
          }
        }
        if (apply) {
          Jdbc.update(tx, "UPDATE public.agents SET adapter_config = ?::jsonb, updated_at = now() WHERE id = ?",
              config.toString(), agentId);
        }
      }
      return moves;
    });
  }

  private static ObjectNode parse(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | ClassCastException e) {
      throw new IllegalStateException("agent adapter_config is not a JSON object", e);
    }
  }

}
