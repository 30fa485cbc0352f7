/** A service that is itself a named module and uses paperclip-db from the module path. */
module com.example.modular {
  requires ing.paperclip.db;
  // ModuleChecks compiles a probe module against the module path to show what is not exported.
  requires java.compiler;
}
