/**
 * paperclip-db secrets: the instance master key, encrypted company secrets, strict mode and the
 * inline-env migration. {@code ing.paperclip.db.secrets.internal} is not exported.
 */
module ing.paperclip.db.secrets {
  requires transitive ing.paperclip.db.core;
  requires org.bouncycastle.provider;
  requires org.slf4j;

  exports ing.paperclip.db.secrets;
  exports ing.paperclip.db.secrets.migrate;
  exports ing.paperclip.db.secrets.store;
  exports ing.paperclip.db.secrets.strict;

  // Jackson binds SecretMaterial by reflection.
  opens ing.paperclip.db.secrets to com.fasterxml.jackson.databind;
}
