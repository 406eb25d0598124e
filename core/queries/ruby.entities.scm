; Ruby definitions. Top-level `def` is a function; a `def` in any body
; (class, module, `class << self`, blocks) is a method: Ruby has no free
; functions inside modules, and modules are not types the engine promotes to.
(class name: (constant) @name) @definition.class
(class name: (scope_resolution scope: (_) @scope name: (constant) @name)) @definition.class
(module name: (constant) @name) @definition.module
(module name: (scope_resolution scope: (_) @scope name: (constant) @name)) @definition.module

(program (method name: (_) @name) @definition.function)
(method name: (_) @name) @definition.method

; def self.x nests by range under its class; def Foo.x names its owner
; (one pattern: tree-sitter's query compiler analyses each pattern's node
; steps against the whole parse table)
(singleton_method
  object: [(self) (constant) @scope (scope_resolution) @scope (identifier)]
  name: (_) @name) @definition.method
