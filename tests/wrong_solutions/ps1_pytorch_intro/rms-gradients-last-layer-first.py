# Wrong solution: record_rms returns the gradient RMS in the order the backward pass visits the layers (last first)
# must-lose: test_record_rms
# must-keep: test_relu_scale, test_classifier_accuracy
# visible-fails: test_record_rms
# %% record_rms
activation_rms, gradient_rms, handles = [], [], []

def forward_hook(module, inputs, output):
    activation_rms.append(output.detach().pow(2).mean().sqrt().item())

def backward_hook(module, grad_input, grad_output):
    gradient_rms.append(grad_output[0].detach().pow(2).mean().sqrt().item())

for module in model.modules():
    if isinstance(module, activations):
        handles.append(module.register_forward_hook(forward_hook))
        handles.append(module.register_full_backward_hook(backward_hook))
y = model(X)
y.backward(grad_y)
for handle in handles:
    handle.remove()
return activation_rms, gradient_rms
