{if isset($errors[$field])}<span class="help-block ipmanager-field-error" data-field="{$field|escape}">{$errors[$field]|escape}</span>{/if}
