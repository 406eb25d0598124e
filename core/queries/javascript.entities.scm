; JavaScript definitions. Class and object-literal methods are functions
; that the engine promotes to methods by nesting in a class.
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (identifier) @name) @definition.class
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @definition.function

; const f = () => {}, let g = function () {}, var h = function* () {}
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
; const Foo = class { ... }
(variable_declarator name: (identifier) @name value: (class)) @definition.class
; class fields holding functions: handle = () => {}
(field_definition
  property: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.function
; { key: function () {} }, { key: () => {} }
(pair
  key: (property_identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function
; Foo.prototype.bar = function () {}: a method of Foo
(assignment_expression
  left: (member_expression
    object: (member_expression object: (identifier) @scope property: (property_identifier) @_p)
    property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]
  (#eq? @_p "prototype")) @definition.function
; exports.f = function () {}, module.exports.f = () => {}
(assignment_expression
  left: (member_expression
    object: [(identifier) (member_expression)] @_obj
    property: (property_identifier) @name)
  right: [(arrow_function) (function_expression)]
  (#any-of? @_obj "exports" "module.exports")) @definition.function
; test blocks: describe('Circle', () => {...}), it('has an area', ...),
; test(...), named by their title (tests by the file conventions)
((call_expression
   function: (identifier) @_fn
   arguments: (arguments . (string (string_fragment) @name) . [(arrow_function) (function_expression)]))
 (#any-of? @_fn "describe" "it" "test" "suite" "context")) @definition.function
((call_expression
   function: (member_expression object: (identifier) @_fn)
   arguments: (arguments . (string (string_fragment) @name) . [(arrow_function) (function_expression)]))
 (#any-of? @_fn "describe" "it" "test")) @definition.function
