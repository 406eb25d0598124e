; TypeScript definitions (the .ts and the .tsx grammar share this file, so
; it names no JSX node). Class, interface and object-literal members are
; functions that the engine promotes to methods by nesting in a type.
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
; declare function f(): T; (overload signatures before an implementation
; are not captured: the implementation is the definition)
(ambient_declaration (function_signature name: (identifier) @name) @definition.function)
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(interface_declaration name: (type_identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(type_alias_declaration name: (type_identifier) @name) @definition.typedef
(internal_module name: [(identifier) (nested_identifier)] @name) @definition.namespace

(method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.function
(method_signature name: [(property_identifier) (private_property_identifier)] @name) @definition.function
(abstract_method_signature name: [(property_identifier) (private_property_identifier)] @name) @definition.function

; const f = () => {}, let g = function () {}
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
(variable_declarator name: (identifier) @name value: (class)) @definition.class
; class fields holding functions: onResize = (f: number) => {...}
(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.function
; { key: function () {} }, { key: () => {} }
(pair
  key: (property_identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

; test blocks: describe('Circle', () => {...}), it(...), test(...)
((call_expression
   function: (identifier) @_fn
   arguments: (arguments . (string (string_fragment) @name) . [(arrow_function) (function_expression)]))
 (#any-of? @_fn "describe" "it" "test" "suite" "context")) @definition.function
((call_expression
   function: (member_expression object: (identifier) @_fn)
   arguments: (arguments . (string (string_fragment) @name) . [(arrow_function) (function_expression)]))
 (#any-of? @_fn "describe" "it" "test")) @definition.function
