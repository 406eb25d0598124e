; TypeScript references (shared by the .ts and .tsx grammars, so JSX
; elements are not captured).
((call_expression function: (identifier) @reference.call)
 (#not-any-of? @reference.call "require"))
; o.m(), this.m(), Cls.m(); super.m() is left out (the resolver reads
; `super` as the own class)
((call_expression function: (member_expression
   object: (_) @scope
   property: [(property_identifier) (private_property_identifier)] @reference.call))
 (#not-eq? @scope "super"))
; new X(), new ns.X(), new Map<K, V>()
(new_expression constructor: [(identifier) (member_expression)] @reference.new)

; class A extends B implements I, J<T>; interface I extends J, K
(extends_clause value: [(identifier) (member_expression)] @reference.extends)
(implements_clause [(type_identifier) (nested_type_identifier) (generic_type)] @reference.implements)
(extends_type_clause type: [(type_identifier) (nested_type_identifier) (generic_type)] @reference.extends)

; types in annotations, generics, unions, arrays, aliases and assertions
(type_annotation [(type_identifier) (nested_type_identifier)] @reference.type)
(generic_type name: [(type_identifier) (nested_type_identifier)] @reference.type)
(type_arguments [(type_identifier) (nested_type_identifier)] @reference.type)
(array_type [(type_identifier) (nested_type_identifier)] @reference.type)
(union_type [(type_identifier) (nested_type_identifier)] @reference.type)
(intersection_type [(type_identifier) (nested_type_identifier)] @reference.type)
(tuple_type [(type_identifier) (nested_type_identifier)] @reference.type)
(readonly_type [(type_identifier) (nested_type_identifier)] @reference.type)
(type_alias_declaration value: [(type_identifier) (nested_type_identifier)] @reference.type)
(constraint [(type_identifier) (nested_type_identifier)] @reference.type)
(as_expression [(type_identifier) (nested_type_identifier)] @reference.type)
(satisfies_expression [(type_identifier) (nested_type_identifier)] @reference.type)

; import d, { a, type b, c as e } from './m'; import * as ns from './m';
; import './m'; import x = require('./m')
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
(import_statement (import_require_clause (identifier) @scope source: (string (string_fragment) @reference.import))) @import
(export_statement source: (string (string_fragment) @reference.import)) @import
((call_expression
   function: (identifier) @_req
   arguments: (arguments . (string (string_fragment) @reference.import)))
 (#eq? @_req "require")) @import
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @reference.import))) @import
((variable_declarator
   name: (object_pattern (shorthand_property_identifier_pattern) @reference.import)
   value: (call_expression
     function: (identifier) @_req
     arguments: (arguments . (string (string_fragment) @module))))
 (#eq? @_req "require")) @import
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

; receiver bindings (extract_refs.c): let x: T, x: T parameters and fields,
; const x = new T()
(variable_declarator name: (identifier) @binding.var type: (type_annotation (_) @binding.type))
(variable_declarator name: (identifier) @binding.var value: (new_expression constructor: (_) @binding.new))
(required_parameter pattern: (identifier) @binding.var type: (type_annotation (_) @binding.type))
(optional_parameter pattern: (identifier) @binding.var type: (type_annotation (_) @binding.type))
(public_field_definition name: (property_identifier) @binding.var type: (type_annotation (_) @binding.type))
; parameters and locals of unknown type (binding.var alone): a bare call
; of one has no static callee, whatever function shares its name
(required_parameter pattern: (identifier) @binding.var)
(optional_parameter pattern: (identifier) @binding.var)
(arrow_function parameter: (identifier) @binding.var)
(variable_declarator name: (identifier) @binding.var)
(for_in_statement left: (identifier) @binding.var)
(catch_clause parameter: (identifier) @binding.var)
(object_pattern (shorthand_property_identifier_pattern) @binding.var)
(pair_pattern value: (identifier) @binding.var)
(array_pattern (identifier) @binding.var)
