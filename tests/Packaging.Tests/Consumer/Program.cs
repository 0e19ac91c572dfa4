Consumer.Training.Run();
