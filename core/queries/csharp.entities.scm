; C# definitions. Methods, constructors, properties and local functions are
; functions that the engine promotes to methods by nesting; constructors
; are named after their class.
; (one pattern per node type where the captures allow: tree-sitter's query
; compiler analyses each pattern's node steps against the whole parse table)
(namespace_declaration name: [
  (identifier) @name
  (qualified_name qualifier: (_) @scope name: (identifier) @name)]) @definition.namespace
; `namespace A.B;` covers the rest of the file but its node is only that line
(file_scoped_namespace_declaration name: [
  (identifier) @name
  (qualified_name qualifier: (_) @scope name: (identifier) @name)]) @definition.namespace

(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.struct
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(delegate_declaration name: (identifier) @name) @definition.typedef

(method_declaration name: (identifier) @name) @definition.function
(constructor_declaration name: (identifier) @name) @definition.function
(property_declaration name: (identifier) @name) @definition.function
(local_function_statement name: (identifier) @name) @definition.function
