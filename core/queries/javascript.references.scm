; JavaScript references.
((call_expression function: (identifier) @reference.call)
 (#not-any-of? @reference.call "require"))
; o.m(), this.m(), this.#m(), Cls.m(), a.b.c(); super.m() is left out (the
; resolver reads `super` as the own class)
((call_expression function: (member_expression
   object: (_) @scope
   property: [(property_identifier) (private_property_identifier)] @reference.call))
 (#not-eq? @scope "super"))
; new X(), new ns.X()
(new_expression constructor: [(identifier) (member_expression)] @reference.new)

; class A extends B / extends ns.B
(class_heritage [(identifier) (member_expression)] @reference.extends)

; import d, { a, b as c } from './m'; import * as ns from './m'; import './m'
; (the name the file uses is the import's @scope: an alias, the namespace,
; the default import's own)
(import_statement
  (import_clause (named_imports (import_specifier name: (identifier) @reference.import !alias)))
  source: (string (string_fragment) @module)) @import
(import_statement
  (import_clause (named_imports (import_specifier name: (identifier) @reference.import
                                                  alias: (identifier) @scope)))
  source: (string (string_fragment) @module)) @import
(import_statement
  (import_clause (identifier) @reference.import @scope)
  source: (string (string_fragment) @module)) @import
(import_statement
  (import_clause (namespace_import (identifier) @scope))
  source: (string (string_fragment) @reference.import)) @import
(import_statement . (string (string_fragment) @reference.import)) @import
; export { a } from './m'; export * from './m'
(export_statement source: (string (string_fragment) @reference.import)) @import
; require('./m'), const { a, b } = require('./m'), import('./m')
((call_expression
   function: (identifier) @_req
   arguments: (arguments . (string (string_fragment) @reference.import)))
 (#eq? @_req "require")) @import
((variable_declarator
   name: (object_pattern (shorthand_property_identifier_pattern) @reference.import)
   value: (call_expression
     function: (identifier) @_req
     arguments: (arguments . (string (string_fragment) @module))))
 (#eq? @_req "require")) @import
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @reference.import))) @import
; const m = require('./m') (m is the module), const { a, b: c } = require('./m')
((variable_declarator
   name: (identifier) @scope
   value: (call_expression
     function: (identifier) @_req
     arguments: (arguments . (string (string_fragment) @reference.import))))
 (#eq? @_req "require")) @import
((variable_declarator
   name: (object_pattern (pair_pattern key: (property_identifier) @reference.import
                                       value: (identifier) @scope))
   value: (call_expression
     function: (identifier) @_req
     arguments: (arguments . (string (string_fragment) @module))))
 (#eq? @_req "require")) @import

; receiver bindings (extract_refs.c): const x = new T()
(variable_declarator name: (identifier) @binding.var value: (new_expression constructor: (_) @binding.new))
(assignment_expression left: (member_expression object: (this) property: (property_identifier)) @binding.var
  right: (new_expression constructor: (_) @binding.new))
; parameters and locals of unknown type (binding.var alone): a bare call
; of one has no static callee, whatever function shares its name
(formal_parameters (identifier) @binding.var)
(formal_parameters (assignment_pattern left: (identifier) @binding.var))
(arrow_function parameter: (identifier) @binding.var)
(variable_declarator name: (identifier) @binding.var)
(for_in_statement left: (identifier) @binding.var)
(catch_clause parameter: (identifier) @binding.var)
(object_pattern (shorthand_property_identifier_pattern) @binding.var)
(pair_pattern value: (identifier) @binding.var)
(array_pattern (identifier) @binding.var)
